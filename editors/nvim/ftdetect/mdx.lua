-- `.mdx` has no filetype in Neovim itself; give it one so that spec-lsp (filetypes: markdown, mdx) attaches.
vim.filetype.add({ extension = { mdx = 'mdx' } })
