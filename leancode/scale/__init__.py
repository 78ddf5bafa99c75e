"""Organisation scale (the optional `scale` extra: lancedb, ray): a LanceDB vector store and a Ray Data
indexing engine for many repositories. Nothing here is imported by the default `leancode index`."""
