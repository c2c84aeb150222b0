// A transcription worker that takes every call and never answers, nor ends when asked: what a
// whisper.cpp stuck in decoding looks like from the daemon.
process.on('message', () => {})
process.on('disconnect', () => { process.kill(process.pid, 'SIGKILL') })
