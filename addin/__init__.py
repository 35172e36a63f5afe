"""The Excel shell of kiemsat: the command-line interface now, the ribbon add-in later."""
