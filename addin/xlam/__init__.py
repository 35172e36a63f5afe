"""Building and installing `kiemsat.xlam`: compound file, MS-OVBA compression, the VBA project,
the ribbon XML. Imports `addin.commands.registry` only (and the core's version).
"""
