#!/usr/bin/env bash
# Release the changelog for the version in galaxy.yml (make release-changelog): fold every fragment in
# changelogs/fragments/ into changelogs/changelog.yaml, add the modules and plugins that are new in this version
# (antsibull-changelog finds them by their version_added), and write CHANGELOG.md and CHANGELOG.rst.
#
# Re-runnable while the version is not published (tags are not checked: that is the release manager's call):
#  - fragments added after the last run (another branch merged) are added to the same version;
#  - released fragments are not deleted but moved to changelogs/released/<version>/ (archive_path_template in
#    changelogs/config.yaml), and every run rebuilds the version's entries from those files and the new ones
#    (--refresh-fragments), so a fragment edited on another branch after the move is merged by git into the
#    moved file and its edit shows up in the next run;
#  - --reload-plugins scans the plugins again (changelogs/.plugin-cache.yaml), --update-existing sets today's date.
# After the version is published, raise the version in galaxy.yml: new fragments then go to the new version.
# A run that adds fragments without a release_summary warns "Found no release_summary section": harmless, the
# version keeps the summary it got from changelogs/released/<version>/12-release-summary.yml.
# Usage: tools/release-changelog.sh [--date YYYY-MM-DD]
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
VENV=${VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/.cache/collections"
version=$("$VENV/bin/python" -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')
antsibull-changelog lint
antsibull-changelog release --version "$version" --reload-plugins --update-existing \
    --refresh-fragments with-archives "$@"
antsibull-changelog lint
echo "changelog released as $version: CHANGELOG.md, CHANGELOG.rst, changelogs/changelog.yaml"
