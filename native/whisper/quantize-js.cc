// The N-API side of quantize.cc: quantize(inPath, outPath, type) runs off the event loop.
#include "quantize-js.h"

#include <string>

#include "napi-util.h"
#include "quantize.h"

namespace {

using ringlead::getString;
using ringlead::rejectWith;
using ringlead::setNumber;

} // namespace

namespace ringlead {

// quantize(inPath, outPath, type): Promise<{ tensors, quantized, bytesIn, bytesOut }> (quantize.cc).
struct QuantizeWork {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  std::string in, out, type, problem;
  ringlead::QuantizeStats stats;
};

napi_value Quantize (napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc < 3) {
    napi_throw_type_error(env, nullptr, "ringlead-whisper: quantize(inPath, outPath, type)");
    return nullptr;
  }
  auto *w = new QuantizeWork();
  w->in = getString(env, argv[0]);
  w->out = getString(env, argv[1]);
  w->type = getString(env, argv[2]);
  napi_value promise, name;
  if (napi_create_promise(env, &w->deferred, &promise) != napi_ok) { delete w; return nullptr; }
  napi_create_string_utf8(env, "whisper-quantize", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name,
    [](napi_env, void *data) {
      auto *w = static_cast<QuantizeWork *>(data);
      w->problem = ringlead::quantizeModel(w->in, w->out, w->type, w->stats);
    },
    [](napi_env env, napi_status, void *data) {
      auto *w = static_cast<QuantizeWork *>(data);
      if (!w->problem.empty()) rejectWith(env, w->deferred, w->problem);
      else {
        napi_value result;
        napi_create_object(env, &result);
        setNumber(env, result, "tensors", w->stats.tensors);
        setNumber(env, result, "quantized", w->stats.quantized);
        setNumber(env, result, "bytesIn", static_cast<double>(w->stats.bytesIn));
        setNumber(env, result, "bytesOut", static_cast<double>(w->stats.bytesOut));
        napi_resolve_deferred(env, w->deferred, result);
      }
      napi_delete_async_work(env, w->work);
      delete w;
    }, w, &w->work);
  napi_queue_async_work(env, w->work);
  return promise;
}

} // namespace ringlead
