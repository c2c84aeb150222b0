// A quantized copy of a whisper.cpp ggml model file (q8_0, q5_1, q5_0): smaller, and faster on the CPU.
#pragma once

#include <cstdint>
#include <string>

namespace ringlead {

struct QuantizeStats {
  int tensors = 0;
  int quantized = 0;
  uint64_t bytesIn = 0;
  uint64_t bytesOut = 0;
};

// Reads the f16 or f32 model at `in` and writes it to `out` with its weight matrices in `type`
// ("q8_0", "q5_1" or "q5_0"). Returns an empty string on success, else what is wrong.
std::string quantizeModel (const std::string &in, const std::string &out, const std::string &type, QuantizeStats &stats);

} // namespace ringlead
