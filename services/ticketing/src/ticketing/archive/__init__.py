"""The report archive (报告归档): a periodic report, once its period has ended, rendered
to DOCX and PDF, kept with its SHA-256 and announced through notify."""
