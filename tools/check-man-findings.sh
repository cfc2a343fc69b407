#!/bin/sh
# Fail when the FINDINGS list of the man page is not what
# tools/gen-man-findings.sh would write from `BIN --list-findings`, and
# say which findings differ.  Run by `make lint`; fix with
# `make man-findings`.  Needs sh and awk only.
#
# Usage: tools/check-man-findings.sh BIN [PAGE]	(PAGE: man/authaudit.1)
set -eu

prog=check-man-findings
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: tools/check-man-findings.sh BIN [PAGE]" >&2
	exit 2
fi
bin=$1
page=${2:-$(dirname "$0")/../man/authaudit.1}
gen=$(dirname "$0")/gen-man-findings.sh

if [ ! -r "$page" ]; then
	echo "$prog: $page: cannot read" >&2
	exit 1
fi
want=$(mktemp) || exit 1
errs=$(mktemp) || { rm -f "$want"; exit 1; }
trap 'rm -f "$want" "$errs"' EXIT
trap 'exit 1' HUP INT TERM
cat "$page" >"$want"
if ! GEN_MAN_FINDINGS_NAME=$page "$gen" "$bin" "$want" 2>"$errs"; then
	cat "$errs" >&2
	echo "$prog: $page: cannot generate the FINDINGS list" >&2
	exit 1
fi
if cmp -s "$page" "$want"; then
	exit 0
fi

# Compare the two lists entry by entry: first file the page, second
# the generated page.  An entry is an ".It Li ID" line and its text.
awk -v prog="$prog" -v page="$page" '
function flush() {
	if (id != "") {
		text[file, id] = body
		order[file, ++n[file]] = id
	}
	id = ""
	body = ""
}
FNR == 1 { flush(); file++; state = 0 }
$0 == ".\\\" BEGIN FINDINGS" { state = 1; next }
$0 == ".\\\" END FINDINGS" { flush(); state = 2; next }
state != 1 { outside[file] = outside[file] $0 "\n"; next }
/^\.It Li / { flush(); id = substr($0, 8); next }
/^\.El$/ { flush(); next }
id != "" { body = body (body == "" ? "" : " ") $0; next }
{ header[file] = header[file] $0 "\n" }
END {
	flush()
	for (i = 1; i <= n[2]; i++) {
		k = order[2, i]
		if (!((1, k) in text) && ++sets)
			printf "%s: %s: %s is missing; the registry has: %s\n",
			    prog, page, k, text[2, k]
		else if (text[1, k] != text[2, k])
			printf "%s: %s: %s reads \"%s\"; the registry has \"%s\"\n",
			    prog, page, k, text[1, k], text[2, k]
	}
	for (i = 1; i <= n[1]; i++) {
		k = order[1, i]
		if (!((2, k) in text) && ++sets)
			printf "%s: %s: %s is not in the registry\n", prog,
			    page, k
	}
	same = 1
	for (i = 1; i <= n[1] || i <= n[2]; i++)
		if (order[1, i] != order[2, i])
			same = 0
	if (!same && !sets)
		printf "%s: %s: the findings are not in registry order\n",
		    prog, page
	if (header[1] != header[2])
		printf "%s: %s: the list header or layout differs\n", prog,
		    page
	if (outside[1] != outside[2])
		printf "%s: %s: the text around the list differs\n", prog,
		    page
}
' "$page" "$want" >&2
echo "$prog: $page: the FINDINGS list is out of date; run" \
    "tools/gen-man-findings.sh $bin (make man-findings)" >&2
exit 1
