"""Shared contract domain: documents, clause segmentation, the CUAD taxonomy, the severity playbook and
the finding schema. Everything else in lexrisk imports from here; nothing here imports from it."""
