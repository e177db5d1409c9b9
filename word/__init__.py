"""The Word files lexrisk writes: the redline on the template's own package, the review copy of the uploaded
file with its comments, and a contract-like DOCX for a PDF or TXT. Above `contracts` (it reads the
comparison and the document), beside the analyzers; the API and the commands call it."""
