// A transcription worker that dies on the first call, as one does when whisper.cpp aborts natively.
process.on('message', (m: { close?: true }) => { process.exit(m.close === true ? 0 : 3) })
