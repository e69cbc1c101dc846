-- Driven by tests/editors/test_neovim.py: a real headless Neovim with editors/nvim on the runtimepath.
-- Reads SPEC_LSP_TEST (JSON: {spec, out, tag_line, tag_col, new_name, mode}); writes results to `out`.
local cfg = vim.json.decode(os.getenv('SPEC_LSP_TEST'))
local result = { errors = {} }
local function save()
  local f = assert(io.open(cfg.out, 'w'))
  f:write(vim.json.encode(result))
  f:close()
end
local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.spec))
  local buf = vim.api.nvim_get_current_buf()
  result.attached = vim.wait(30000, function() return #vim.lsp.get_clients({ bufnr = buf, name = 'spec_lsp' }) > 0 end, 50)
  if cfg.mode == 'diagnostics' then
    result.got_diagnostics = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
    vim.wait(500)
    local ds = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(ds, { code = d.code, lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, source = d.source })
    end
    result.diagnostics = ds
    return
  end
  if cfg.mode == 'scoped' then
    -- a format with scopes (spec-kit): definition from a mention to its feature's definition, then rename there
    result.got_diagnostics = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
    vim.api.nvim_win_set_cursor(0, { cfg.line + 1, cfg.col })
    vim.lsp.buf.definition()
    result.jumped = vim.wait(15000, function() return vim.api.nvim_buf_get_name(0):match(cfg.expect_file) ~= nil end, 50)
    result.after_definition = vim.api.nvim_buf_get_name(0)
    result.cursor_line = vim.api.nvim_win_get_cursor(0)[1] - 1
    local def_buf = vim.api.nvim_get_current_buf()
    vim.lsp.buf.rename(cfg.new_name)
    result.renamed = vim.wait(15000, function()
      local line = vim.api.nvim_buf_get_lines(def_buf, result.cursor_line, result.cursor_line + 1, false)[1] or ''
      return line:find(cfg.new_name, 1, true) ~= nil
    end, 50)
    vim.wait(500)
    vim.cmd('silent! wall')
    return
  end
  -- definition: from the clause tag to its challenge file
  vim.api.nvim_win_set_cursor(0, { cfg.tag_line + 1, cfg.tag_col })
  vim.lsp.buf.definition()
  result.jumped = vim.wait(15000, function() return vim.api.nvim_buf_get_name(0):match('examples/' .. cfg.old_id .. '%.md$') ~= nil end, 50)
  result.after_definition = vim.api.nvim_buf_get_name(0)
  -- back to the spec, rename the clause ID
  vim.cmd('buffer ' .. buf)
  vim.api.nvim_win_set_cursor(0, { cfg.tag_line + 1, cfg.tag_col })
  vim.lsp.buf.rename(cfg.new_name)
  result.renamed = vim.wait(15000, function()
    local line = vim.api.nvim_buf_get_lines(buf, cfg.tag_line, cfg.tag_line + 1, false)[1] or ''
    return line:find('[^' .. cfg.new_name .. ']', 1, true) ~= nil
  end, 50)
  vim.wait(500)
  vim.cmd('silent! wall')
  local names = {}
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then table.insert(names, vim.api.nvim_buf_get_name(b)) end
  end
  result.buffers = names
end)
if not ok then table.insert(result.errors, tostring(err)) end
save()
vim.cmd('qa!')
