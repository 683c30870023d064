#!/bin/sh
# docs/images/lsp-diagnostics.png and lsp-hover.png (docs/editing.md): Neovim's own LSP client
# running `assemblint lsp` on examples/melting-hierarchy.assy, in tmux; the pane captured with its
# colours, turned into HTML by aha and photographed by headless Chromium. Not run by CI.
#
# Needs: neovim (0.7 or later), tmux, aha, chromium, and assemblint installed in $PYTHON's
# environment (default: the python3 on PATH). On Debian 12:
#     apt-get install -y neovim tmux aha chromium
# Run from anywhere:  sh docs/images/make_screenshots.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
session=assemblint-shot-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT

cp "$repo/examples/melting-hierarchy.assy" "$work/melting-hierarchy.assy"
cat > "$work/init.lua" <<EOF
vim.opt.number = true
vim.opt.signcolumn = 'yes'
vim.opt.swapfile = false
vim.opt.shortmess:append('I')
vim.opt.laststatus = 0
vim.opt.ruler = false
vim.cmd('autocmd BufRead,BufNewFile *.assy setfiletype assy')
vim.diagnostic.config({ virtual_text = { spacing = 2 }, signs = true, underline = true, severity_sort = true })
vim.cmd('highlight NormalFloat ctermbg=235 ctermfg=252')
vim.cmd('highlight FloatBorder ctermbg=235 ctermfg=244')
vim.cmd('highlight link markdownError NONE')
vim.lsp.handlers['textDocument/hover'] = vim.lsp.with(vim.lsp.handlers.hover, { border = 'rounded', max_width = 104 })
vim.keymap.set('n', 'K', vim.lsp.buf.hover)
vim.keymap.set('n', 'gl', function()
  vim.diagnostic.open_float({ border = 'rounded', max_width = 100, header = '',
    format = function(d) return d.code .. ' ' .. d.message end })
end)
local client = nil
vim.api.nvim_create_autocmd('FileType', { pattern = 'assy', callback = function(args)
  client = client or vim.lsp.start_client({
    name = 'assemblint', cmd = { '$python', '-m', 'assemblint', 'lsp' }, root_dir = '$work',
  })
  vim.lsp.buf_attach_client(args.buf, client)
end })
EOF

shoot() {  # shoot NAME: the pane as it is now, to docs/images/NAME.png
    tmux capture-pane -e -p -t "$session" > "$work/$1.ansi"
    aha --black --title "$1" < "$work/$1.ansi" \
        | sed 's#<head>#<head><style>body{margin:12px;background:\#000} pre{font:14px/1.25 "DejaVu Sans Mono",monospace}</style>#' \
        > "$work/$1.html"
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size=1160,700 --screenshot="$here/$1.png" "file://$work/$1.html" 2>/dev/null
    echo "wrote $here/$1.png"
}

cd "$work"
tmux -f /dev/null new-session -d -s "$session" -x 132 -y 38 \
    "env TERM=xterm-256color nvim -u '$work/init.lua' +28 melting-hierarchy.assy"
sleep 10                                    # the server starts, parses, checks, publishes
tmux send-keys -t "$session" 'zt' ''         # line 28 at the top: the masses, the process
sleep 1
tmux send-keys -t "$session" '35G' 'gl'     # every finding on `masses b` (init.lua maps gl to a float)
sleep 1
shoot lsp-diagnostics
tmux send-keys -t "$session" Escape         # the float closes when the cursor moves on
sleep 1

tmux send-keys -t "$session" '38G' '22|'   # on SAC305 in `region joint : SAC305 on sub`
sleep 1
tmux send-keys -t "$session" 'K'            # hover (init.lua maps K to vim.lsp.buf.hover)
sleep 3
shoot lsp-hover
