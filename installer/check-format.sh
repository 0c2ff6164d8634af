#!/usr/bin/env bash
# Fails when a C++ file differs from .clang-format or pyflakes finds a problem in the Python
# (bootstrap/, tools/, tests/). Fix the C++ with: installer/check-format.sh --fix
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find app engine ui tests -name '*.cpp' -o -name '*.h')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files clean"

# Python: pyflakes (Debian python3-pyflakes). The agent runs in the boot stage's globals and the
# boot stage in the loader's (bootstrap/boot.py says which names they provide), so those names
# are declared for those files only.
mapfile -t python < <(git ls-files 'bootstrap/*.py' 'tools/*.py' 'tests/*.py' 2>/dev/null ||
                      find bootstrap tools tests -name '*.py')
status=0
others=()
for f in "${python[@]}"; do
  case "$f" in
    bootstrap/agent.py) PYFLAKES_BUILTINS=RFD,WFD,PYVER,AGENT_FILE,PYC_MAGIC,LOADED,bytecode,_lzma \
                          pyflakes3 "$f" || status=1 ;;
    bootstrap/boot.py) PYFLAKES_BUILTINS=_lzma pyflakes3 "$f" || status=1 ;;
    *) others+=("$f") ;;
  esac
done
pyflakes3 "${others[@]}" || status=1
[ "$status" -eq 0 ] && echo "pyflakes: ${#python[@]} files clean"
exit "$status"
