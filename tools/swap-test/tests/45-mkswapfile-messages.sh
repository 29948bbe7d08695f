#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# where: host
# Every message tools/mkswapfile/mkswapfile.c can print on standard error
# is listed in the admin guide's "Troubleshooting mkswapfile", and every
# message listed there is one it prints, so that the two cannot drift.
# The messages are the format strings of its calls to failf(), warnf(),
# usage_error() and fail() (as "PATH: WHAT: strerror") and of getopt's
# complaints; nothing else in it may write to standard error.  A listed
# message matches a format when each conversion (%s, %d, ...) stands for
# a placeholder such as F, SIZE or ERROR (or a number, a strerror() text)
# and the rest is the same.
. "$TOP/tools/swap-test/lib/tap.sh"
cd "$TOP"
src=tools/mkswapfile/mkswapfile.c
doc=Documentation/swap/admin-guide.rst
out=$(python3 - "$src" "$doc" <<'EOF'
import re, sys

src = open(sys.argv[1]).read()
doc = open(sys.argv[2]).read().splitlines()
lit = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'
calls = [
    (r'\bfailf\(\s*' + lit, 'mkswapfile: {}'),
    (r'\bwarnf\(\s*' + lit, 'mkswapfile: warning: {}'),
    (r'\busage_error\(\s*' + lit, 'mkswapfile: {}'),
    (r'\bsnprintf\(msg,\s*sizeof\(msg\),\s*' + lit, 'mkswapfile: {}'),
    (r'\bfail\(\s*[\w>.-]+\s*,\s*' + lit, 'mkswapfile: %s: {}: %s'),
]
msgs = set()
for pat, form in calls:
    for m in re.finditer(pat, src):
        text = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        msgs.add(form.format(text.encode().decode('unicode_escape')))
if re.search(r'\bfail\(\s*[\w>.-]+\s*,\s*NULL\s*\)', src):
    msgs.add('mkswapfile: %s: %s')

# Only the helpers write to stderr.
func = None
for line in src.splitlines():
    m = re.match(r'^(?:static )?[\w ]+?\**(\w+)\(', line)
    if m:
        func = m.group(1)
    if re.match(r'\s*(/\*|\*)', line):
        continue
    if re.search(r'\bstderr\b|\bperror\(', line) and func not in (
            'fail', 'failf', 'warnf', 'usage_error', 'info'):
        print('not_ok', 'stderr written outside the message helpers, in '
              + str(func) + '(): ' + line.strip())

# The guide's section: its ``...`` terms and list items.
terms, inside = [], False
for i, line in enumerate(doc):
    if line == 'Troubleshooting mkswapfile':
        inside = True
        continue
    if inside and i + 1 < len(doc) and re.fullmatch(r'=+', doc[i + 1]):
        break
    m = re.fullmatch(r'(?:\* )?``(.*)``', line)
    if inside and m:
        terms.append(m.group(1))
print('info', len(msgs), 'messages,', len(terms), 'listed')
if not terms:
    print('not_ok', 'the guide has no Troubleshooting mkswapfile terms')

# What a conversion stands for in the guide: a placeholder (F, SIZE,
# ERROR), a number, a strerror() text or an SELinux type.
placeholder = r'(?:[A-Z][A-Za-z_ ]*|[0-9]+|[a-z_]+_t)'

def regex(fmt):
    parts = re.split(r'%[-#0 +]*[0-9*]*(?:\.[0-9*]+)?(?:l|ll|z)?[a-zA-Z]',
                     fmt)
    return re.compile(placeholder.join(re.escape(p) for p in parts))

for msg in sorted(msgs):
    r = regex(msg)
    if any(r.fullmatch(t) for t in terms):
        print('ok', 'the guide lists: ' + msg)
    else:
        print('not_ok', 'the guide lists: ' + msg)
res = [regex(m) for m in msgs]
for t in terms:
    if any(r.fullmatch(t) for r in res):
        print('ok', 'mkswapfile prints: ' + t)
    else:
        print('not_ok', 'mkswapfile prints: ' + t)
EOF
)
check_eq "the message check ran" 0 "$?"
printf '%s\n' "$out" | grep -q '^info .* messages' &&
	ok "messages found in $src: $(printf '%s\n' "$out" | sed -n 's/^info //p')" ||
	not_ok "messages found in $src"
printf '%s\n' "$out" | grep -E '^(ok|not_ok) ' > "$RUNDIR/results" || true
while read -r res what; do
	case $res in
	ok) ok "$what" ;;
	*) not_ok "$what" ;;
	esac
done < "$RUNDIR/results"
tap_done
