"""Document ingestion: parse files, chunk them along their structure, index the passages."""
