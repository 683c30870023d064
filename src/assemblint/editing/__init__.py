"""Writing designs: the language server (`assemblint lsp`), the formatter's command (`assemblint
fmt`) and the materials browser (`assemblint materials`). Above the API, below the command line."""
