"""The Excel shell of kiemsat: `commands` (the registry and the CLI), `excel` (the ribbon's handlers on a
live workbook or a closed file), `xlam` (building and installing the add-in). Uses the core and `mailer`."""
