"""Word documents in general: python-docx paragraph helpers, a fast .docx zip writer, PDF through
LibreOffice. Imports nothing else of kiemsat.
"""
