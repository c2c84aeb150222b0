// quantize(inPath, outPath, type) for JavaScript: Promise<{ tensors, quantized, bytesIn, bytesOut }>.
#pragma once

#include <node_api.h>

namespace ringlead {

napi_value Quantize (napi_env env, napi_callback_info info);

} // namespace ringlead
