#!/usr/bin/env bash
# Regenerates the voice prompts in sounds/<lang>/ringlead/ from sounds/prompts.tsv.
# Needs espeak-ng and sox (Debian: apt-get install espeak-ng sox). Output: 8 kHz 16-bit mono WAV,
# the format Asterisk plays without transcoding. Replace any file with a real recording of the
# same name to change the voice.
set -euo pipefail
cd "$(dirname "$0")/.."
tail -n +2 sounds/prompts.tsv | while IFS=$'\t' read -r name en ru; do
  for lang in en ru; do
    text=$en; voice=en
    if [ "$lang" = ru ]; then text=$ru; voice=ru; fi
    mkdir -p "sounds/$lang/ringlead"
    tmp=$(mktemp --suffix=.wav)
    espeak-ng -v "$voice" -s 150 -w "$tmp" "$text"
    sox "$tmp" -r 8000 -c 1 -b 16 "sounds/$lang/ringlead/$name.wav" vol 0.8
    rm -f "$tmp"
  done
done
echo "prompts written to sounds/{en,ru}/ringlead/"
