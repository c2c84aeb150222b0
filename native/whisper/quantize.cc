// Quantizes a whisper.cpp ggml model file, one tensor at a time (memory stays at one tensor).
// The file: magic, 11 hyper-parameters (the last is the weight type, "ftype"), the mel filter bank,
// the vocabulary, then tensors (dimensions, name length, type, sizes, name, data) to the end.
// whisper.cpp creates the 2-D ".weight" matrices with the file's weight type, the convolutions in
// f16 and everything else in f32, and refuses a tensor stored in another type: so exactly the 2-D
// ".weight" tensors are quantized, 3-D ones become f16, and the rest is copied as it is.
#include "quantize.h"

#include <algorithm>
#include <fstream>
#include <vector>

#include "ggml.h"

namespace ringlead {
namespace {

constexpr uint32_t ggmlMagic = 0x67676d6c;

struct Target { const char *name; ggml_type type; ggml_ftype ftype; };
constexpr Target targets[] = {
  { "q8_0", GGML_TYPE_Q8_0, GGML_FTYPE_MOSTLY_Q8_0 },
  { "q5_1", GGML_TYPE_Q5_1, GGML_FTYPE_MOSTLY_Q5_1 },
  { "q5_0", GGML_TYPE_Q5_0, GGML_FTYPE_MOSTLY_Q5_0 },
};

class Copier {
 public:
  Copier (std::ifstream &in, std::ofstream &out) : in_(in), out_(out) {}
  bool read (void *p, size_t n) {
    in_.read(static_cast<char *>(p), static_cast<std::streamsize>(n));
    readBytes += static_cast<uint64_t>(in_.gcount());
    return static_cast<size_t>(in_.gcount()) == n;
  }
  bool readInt (int32_t &v) { return read(&v, sizeof v); }
  void write (const void *p, size_t n) { out_.write(static_cast<const char *>(p), static_cast<std::streamsize>(n)); written += n; }
  void writeInt (int32_t v) { write(&v, sizeof v); }
  bool copy (size_t n) {
    buf_.resize(n);
    if (!read(buf_.data(), n)) return false;
    write(buf_.data(), n);
    return true;
  }
  bool atEnd () { return in_.peek() == std::char_traits<char>::eof(); }
  uint64_t readBytes = 0;
  uint64_t written = 0;
 private:
  std::ifstream &in_;
  std::ofstream &out_;
  std::vector<char> buf_;
};

bool endsWith (const std::string &s, const std::string &tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string copyTensors (Copier &c, const Target &target, QuantizeStats &stats) {
  std::vector<uint8_t> data;
  std::vector<float> f32;
  std::vector<uint8_t> packed;
  while (!c.atEnd()) {
    int32_t dims = 0, nameLen = 0, type = 0;
    if (!c.readInt(dims) || !c.readInt(nameLen) || !c.readInt(type)) return "the file ends inside a tensor header";
    if (dims < 1 || dims > 4 || nameLen < 1 || nameLen > 1024) return "tensor " + std::to_string(stats.tensors + 1) + " has a bad header";
    int32_t ne[4] = { 1, 1, 1, 1 };
    int64_t count = 1;
    for (int i = 0; i < dims; i++) {
      if (!c.readInt(ne[i]) || ne[i] < 1) return "tensor " + std::to_string(stats.tensors + 1) + " has a bad size";
      count *= ne[i];
    }
    std::string name(static_cast<size_t>(nameLen), '\0');
    if (!c.read(name.data(), name.size())) return "the file ends inside a tensor name";
    if (type != GGML_TYPE_F32 && type != GGML_TYPE_F16) {
      return "tensor " + name + " is stored as " + ggml_type_name(static_cast<ggml_type>(type)) + ": only f16 or f32 models can be quantized";
    }
    const size_t bytes = static_cast<size_t>(count) * (type == GGML_TYPE_F32 ? 4 : 2);
    data.resize(bytes);
    if (!c.read(data.data(), bytes)) return "the file ends inside tensor " + name;

    const bool weight = endsWith(name, ".weight");
    ggml_type outType = static_cast<ggml_type>(type);
    if (weight && dims == 2) outType = target.type;
    else if (weight && dims == 3) outType = GGML_TYPE_F16;
    const void *body = data.data();
    size_t bodyBytes = bytes;
    if (outType != type) {
      f32.resize(static_cast<size_t>(count));
      if (type == GGML_TYPE_F16) ggml_fp16_to_fp32_row(reinterpret_cast<const ggml_fp16_t *>(data.data()), f32.data(), count);
      else std::copy_n(reinterpret_cast<const float *>(data.data()), count, f32.data());
      if (outType == GGML_TYPE_F16) {
        packed.resize(static_cast<size_t>(count) * 2);
        ggml_fp32_to_fp16_row(f32.data(), reinterpret_cast<ggml_fp16_t *>(packed.data()), count);
        bodyBytes = packed.size();
      } else {
        if (ne[0] % ggml_blck_size(outType) != 0) {
          return "tensor " + name + " has rows of " + std::to_string(ne[0]) + " values, not a multiple of " + std::to_string(ggml_blck_size(outType)) + " (" + target.name + " blocks)";
        }
        const int64_t rows = count / ne[0];
        packed.resize(ggml_row_size(outType, ne[0]) * static_cast<size_t>(rows));
        bodyBytes = ggml_quantize_chunk(outType, f32.data(), packed.data(), 0, rows, ne[0], nullptr);
        stats.quantized++;
      }
      body = packed.data();
    }
    c.writeInt(dims);
    c.writeInt(nameLen);
    c.writeInt(outType);
    for (int i = 0; i < dims; i++) c.writeInt(ne[i]);
    c.write(name.data(), name.size());
    c.write(body, bodyBytes);
    stats.tensors++;
  }
  return stats.tensors == 0 ? "no tensors after the vocabulary" : "";
}

} // namespace

std::string quantizeModel (const std::string &inPath, const std::string &outPath, const std::string &typeName, QuantizeStats &stats) {
  const Target *target = nullptr;
  for (const auto &t : targets) if (typeName == t.name) target = &t;
  if (target == nullptr) return "unknown type " + typeName + " (q8_0, q5_1 or q5_0)";
  std::ifstream in(inPath, std::ios::binary);
  if (!in) return "cannot open " + inPath;
  std::ofstream out(outPath, std::ios::binary | std::ios::trunc);
  if (!out) return "cannot write " + outPath;
  Copier c(in, out);

  uint32_t magic = 0;
  if (!c.read(&magic, sizeof magic) || magic != ggmlMagic) return inPath + " is not a ggml model";
  c.write(&magic, sizeof magic);
  int32_t h[11];
  if (!c.read(h, sizeof h)) return "the file ends inside the header";
  const int32_t ftype = h[10] % GGML_QNT_VERSION_FACTOR;
  if (ftype != GGML_FTYPE_ALL_F32 && ftype != GGML_FTYPE_MOSTLY_F16) return "the model is already quantized (ftype " + std::to_string(ftype) + "): quantize its f16 or f32 original";
  h[10] = GGML_QNT_VERSION * GGML_QNT_VERSION_FACTOR + target->ftype;
  c.write(h, sizeof h);

  int32_t mels = 0, bins = 0;
  if (!c.readInt(mels) || !c.readInt(bins) || mels < 1 || bins < 1 || mels > 1024 || bins > 4096) return "bad mel filter bank header";
  c.writeInt(mels);
  c.writeInt(bins);
  if (!c.copy(static_cast<size_t>(mels) * bins * sizeof(float))) return "the file ends inside the mel filter bank";

  int32_t words = 0;
  if (!c.readInt(words) || words < 0 || words > 1'000'000) return "bad vocabulary size";
  c.writeInt(words);
  for (int32_t i = 0; i < words; i++) {
    int32_t len = 0;
    if (!c.readInt(len) || len < 0 || len > 65536) return "bad vocabulary entry " + std::to_string(i);
    c.writeInt(len);
    if (!c.copy(static_cast<size_t>(len))) return "the file ends inside the vocabulary";
  }

  std::string problem = copyTensors(c, *target, stats);
  if (!problem.empty()) return problem;
  out.flush();
  if (!out) return "writing " + outPath + " failed (disk full?)";
  stats.bytesIn = c.readBytes;
  stats.bytesOut = c.written;
  return "";
}

} // namespace ringlead
