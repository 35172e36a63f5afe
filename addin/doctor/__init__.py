"""`kiemsat doctor` and the ribbon's «Kiểm tra cài đặt»: can this PC run a press? One Vietnamese
line per check, with what to do. Uses `addin.xlam` (the installer's checks), `addin.commands`,
`mailer` (the alerts configuration) and the core's version."""
