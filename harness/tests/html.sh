#!/bin/bash
# compare --format html (ab's report.html) in a real browser: Debian's
# chromium, headless (ci/deps.sh installs it).  Runs written here with a
# hostile scenario name; the page must render offline, show every plot,
# load nothing from outside, and show the name as text, not run it.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-$PWD/build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-htmltest.XXXXXX)
trap 'rm -rf "$T"' EXIT
HOSTILE='<script>alert(1)</script>'

. harness/tests/lib-runs.sh
side "$T/x/a" "$HOSTILE" "10 11 9 10.5 9.5" "4 5 6 7 8"
side "$T/x/b" "$HOSTILE" "15 16.5 14 15.5 14.5" "3 4 5 6 7"

H=$T/report.html
"$M" compare "$T/x/a" "$T/x/b" --format html --plots "$T/plots" >"$H" 2>"$T/err"
check "compare --format html: exit 1 (B worse), a page" \
	bash -c "[ $? -eq 1 ] && head -1 '$H' | grep -qx '<!DOCTYPE html>' && tail -1 '$H' | grep -qx '</html>'"
check "html: the result, the reproduced counts and the metric row" \
	bash -c "grep -q 'result:</b> REGRESSION in kswapd_cpu +50% (p=.0079)' '$H' &&
		grep -q '<td>5 of 5 (not reproduced 0)</td>' '$H' &&
		grep -q '<td class=\"worse\">worse</td>' '$H'"
svgs=$(find "$T/plots" -maxdepth 1 -name '*.svg' | sort)
check "html: the plots are there to embed" [ "$(echo "$svgs" | wc -w)" -ge 2 ]
embedded() {
	local f
	[ "$(grep -o '<img ' "$H" | wc -l)" -eq "$(echo "$svgs" | wc -w)" ] || return 1
	for f in $svgs; do
		grep -qF "src=\"data:image/svg+xml;base64,$(base64 -w0 "$f")\"" "$H" || return 1
	done
}
check "html: every SVG plot embedded as a data: URI, byte for byte" embedded
check "html: no external resource (http:, https:, file:, src=\"/, href, link)" \
	bash -c "! grep -Eq 'https?:|file:|src=\"[^d]|href=|<link' '$H'"
check "html: the hostile scenario name escaped, no raw <script> or <svg>" \
	bash -c "grep -qF '<h1>mmrepro compare: &lt;script&gt;alert(1)&lt;/script&gt;</h1>' '$H' &&
		! grep -qi '<script' '$H' && ! grep -qi '<svg' '$H'"

# the browser: a screenshot, and the DOM after load with a probe that
# counts the images decoded and shown, and the scripts on the page
chrome() {
	nice -n 19 timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/chrome" --window-size=1200,3000 "$@"
}
chrome --screenshot="$T/shot.png" "file://$H" >/dev/null 2>&1
check "chromium renders the page: a 1200x3000 PNG of some size" \
	bash -c "file '$T/shot.png' | grep -q 'PNG image data, 1200 x 3000' &&
		[ \$(stat -c %s '$T/shot.png') -gt 50000 ]"
{
	sed '/^<\/body>$/,$d' "$H"
	cat <<-'EOF'
		<script>
		window.addEventListener('load', function () {
			var ok = 0, bad = 0, i, im;
			for (i = 0; i < document.images.length; i++) {
				im = document.images[i];
				if (im.complete && im.naturalWidth > 0 &&
				    im.getBoundingClientRect().height > 100)
					ok++;
				else
					bad++;
			}
			/* the name as text: what the page shows, unescaped */
			var name = 'mmrepro compare: <' + 'script>alert(1)<' +
				'/script>';
			document.body.setAttribute('data-probe', 'images ' + ok +
				' broken ' + bad + ' scripts ' + document.scripts.length +
				' h1 ' + (document.querySelector('h1').textContent ===
					  name ? 'text' : 'other'));
		});
		</script>
		</body>
		</html>
	EOF
} >"$T/probe.html"
chrome --virtual-time-budget=5000 --dump-dom "file://$T/probe.html" 2>/dev/null >"$T/dom"
n=$(echo "$svgs" | wc -w)
check "chromium: every plot decoded and shown, none broken" \
	grep -qF "data-probe=\"images $n broken 0 " "$T/dom"
check "chromium: no script but the probe; the name shown as text" \
	grep -qF "scripts 1 h1 text\"" "$T/dom"
tap_end
