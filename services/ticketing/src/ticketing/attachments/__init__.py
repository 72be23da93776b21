"""Files on tickets and comments: screenshots, logs, PDFs, office files — evidence."""
