-- spec-lsp for Neovim 0.11+ (vim.lsp.config / vim.lsp.enable).
--
--   vim.opt.runtimepath:append('/path/to/spec-lsp/editors/nvim')
--   vim.lsp.enable('spec_lsp')
--
-- Override anything with vim.lsp.config('spec_lsp', { ... }), e.g. the command:
--   vim.lsp.config('spec_lsp', { cmd = { '/path/to/python', '-m', 'spec_lsp', 'serve' } })
return {
  cmd = { 'spec-lsp', 'serve' },
  filetypes = { 'markdown', 'mdx', 'markdown.mdx' },  -- .md, .markdown, .mdx (ftdetect/mdx.lua)
  root_markers = { '.spec-lsp.toml', 'pyproject.toml', '.git' },
  -- the same keys as .spec-lsp.toml (camelCase); a config file in the repository wins for rule behaviour
  settings = {
    specLsp = {
      diagnostics = { debounceMs = 150 },
    },
  },
  init_options = {
    diagnostics = { debounceMs = 150 },
  },
}
