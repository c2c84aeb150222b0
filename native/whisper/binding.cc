// N-API binding over whisper.cpp built for the machine it runs on. One loaded model (whisper_context)
// serves any number of transcriptions at once: each call gets its own whisper_state, so calls share
// the weights and only pay for their own buffers (short live windows, one at a time, reuse one kept
// state: see Model::shortState).
#include <node_api.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "napi-util.h"
#include "quantize-js.h"
#include "whisper.h"

namespace {

#define CHECK(env, call)                                             \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error((env), nullptr, "ringlead-whisper: " #call);  \
      return nullptr;                                                \
    }                                                                \
  } while (0)

struct Model {
  whisper_context *ctx = nullptr;
  std::atomic<int> inFlight{0};
  bool freeWhenIdle = false;
  // Kept for short windows (audioCtx > 0), one at a time. whisper.cpp detects a language ('auto')
  // before it applies audio_ctx, on a fresh state with the whole 30 s encoder (several times a
  // short window's cost); a state that ran with audio_ctx keeps it, so its detections are short too.
  whisper_state *shortState = nullptr;
  int shortCtx = 0;
  std::atomic<bool> shortBusy{false};
};

void releaseIfDone (Model *m) {
  if (m->freeWhenIdle && m->inFlight.load() == 0 && m->ctx != nullptr) {
    if (m->shortState != nullptr) whisper_free_state(m->shortState);
    m->shortState = nullptr;
    whisper_free(m->ctx);
    m->ctx = nullptr;
  }
}

using ringlead::getString;
using ringlead::rejectWith;
using ringlead::setNumber;

// The end of every async call on a model: the model may be freed once idle, the work goes.
template <typename Work> void finishOnModel (napi_env env, Work *w) {
  releaseIfDone(w->model);
  napi_delete_async_work(env, w->work);
  delete w;
}

// systemInfo(): whisper.cpp's own line of compiled-in instruction sets ("AVX2 = 1 | AVX512 = 1 | ...").
napi_value SystemInfo (napi_env env, napi_callback_info) {
  napi_value out;
  CHECK(env, napi_create_string_utf8(env, whisper_print_system_info(), NAPI_AUTO_LENGTH, &out));
  return out;
}

// load(path, flashAttn): Promise<model handle>. Loading reads hundreds of MB: off the event loop.
struct LoadWork {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  std::string path;
  bool flashAttn = true;
  whisper_context *ctx = nullptr;
};

void finalizeModel (napi_env, void *data, void *) {
  auto *m = static_cast<Model *>(data);
  m->freeWhenIdle = true;
  releaseIfDone(m);
  if (m->ctx == nullptr) delete m;
}

napi_value Load (napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  auto *w = new LoadWork();
  w->path = getString(env, argv[0]);
  if (argc > 1) napi_get_value_bool(env, argv[1], &w->flashAttn);
  napi_value promise, name;
  CHECK(env, napi_create_promise(env, &w->deferred, &promise));
  napi_create_string_utf8(env, "whisper-load", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name,
    [](napi_env, void *data) {
      auto *w = static_cast<LoadWork *>(data);
      whisper_context_params cp = whisper_context_default_params();
      cp.use_gpu = false;
      cp.flash_attn = w->flashAttn;
      w->ctx = whisper_init_from_file_with_params_no_state(w->path.c_str(), cp);
    },
    [](napi_env env, napi_status, void *data) {
      auto *w = static_cast<LoadWork *>(data);
      if (w->ctx == nullptr) {
        rejectWith(env, w->deferred, "Failed to initialize whisper context from " + w->path);
      } else {
        auto *m = new Model();
        m->ctx = w->ctx;
        napi_value handle;
        napi_create_external(env, m, finalizeModel, nullptr, &handle);
        napi_resolve_deferred(env, w->deferred, handle);
      }
      napi_delete_async_work(env, w->work);
      delete w;
    }, w, &w->work);
  CHECK(env, napi_queue_async_work(env, w->work));
  return promise;
}

Model *getModel (napi_env env, napi_value v) {
  void *data = nullptr;
  if (napi_get_value_external(env, v, &data) != napi_ok) return nullptr;
  return static_cast<Model *>(data);
}

// transcribe(model, Int16Array samples at 16 kHz, language, threads, maxContextTokens (-1 = whisper.cpp's own),
// maxSegmentChars (0 = as cut), audioCtx (encoder frames of 20 ms; 0 = whisper.cpp's whole 30 s, 1500)): Promise<{ language, segments, stats }>.
struct TranscribeWork {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  Model *model = nullptr;
  std::vector<float> samples;
  std::string language;
  int threads = 1;
  int maxContext = -1;
  int maxLen = 0;
  int audioCtx = 0;
  int rc = 0;
  int encoderRuns = 0;
  int tokens = 0;
  double ms = 0;
  // From the first encoder run's start to the first decoding step: what the encoder cost (the
  // benchmarks and tests read it to see audioCtx at work).
  std::chrono::steady_clock::time_point encodeStart;
  double encodeMs = -1;
  // From whisper_full's start to the first encoder run of its windows: the log-mel spectrogram and,
  // in 'auto', language detection (its own encoder pass). -1: no window was encoded.
  std::chrono::steady_clock::time_point fullStart;
  double beforeEncodeMs = -1;
  std::string detected;
  struct Seg { int64_t t0, t1; std::string text; };
  std::vector<Seg> segments;
};

napi_value Transcribe (napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  Model *m = getModel(env, argv[0]);
  if (m == nullptr || m->ctx == nullptr || m->freeWhenIdle) {
    napi_throw_error(env, nullptr, "ringlead-whisper: the model is not loaded (freed or never loaded)");
    return nullptr;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  CHECK(env, napi_get_typedarray_info(env, argv[1], &type, &length, &data, nullptr, nullptr));
  if (type != napi_int16_array) {
    napi_throw_type_error(env, nullptr, "ringlead-whisper: samples must be an Int16Array (16 kHz mono)");
    return nullptr;
  }
  auto *w = new TranscribeWork();
  w->model = m;
  // Copied now: the JS array may be collected while the work runs.
  const int16_t *pcm = static_cast<const int16_t *>(data);
  w->samples.resize(length);
  for (size_t i = 0; i < length; i++) w->samples[i] = static_cast<float>(pcm[i]) / 32768.0f;
  w->language = getString(env, argv[2]);
  napi_get_value_int32(env, argv[3], &w->threads);
  if (argc > 4) napi_get_value_int32(env, argv[4], &w->maxContext);
  if (argc > 5) napi_get_value_int32(env, argv[5], &w->maxLen);
  if (argc > 6) napi_get_value_int32(env, argv[6], &w->audioCtx);
  if (w->audioCtx < 0) {
    delete w;
    napi_throw_range_error(env, nullptr, "ringlead-whisper: audioCtx must be 0 (whole window) or a count of encoder frames");
    return nullptr;
  }
  m->inFlight++;
  napi_value promise, name;
  CHECK(env, napi_create_promise(env, &w->deferred, &promise));
  napi_create_string_utf8(env, "whisper-transcribe", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name,
    [](napi_env, void *data) {
      auto *w = static_cast<TranscribeWork *>(data);
      Model *m = w->model;
      bool expected = false;
      const bool kept = w->audioCtx > 0 && m->shortBusy.compare_exchange_strong(expected, true);
      if (kept && m->shortCtx != w->audioCtx && m->shortState != nullptr) { whisper_free_state(m->shortState); m->shortState = nullptr; }
      whisper_state *state = kept && m->shortState != nullptr ? m->shortState : whisper_init_state(m->ctx);
      if (state == nullptr) { if (kept) m->shortBusy.store(false); w->rc = -100; return; }
      if (kept && m->shortState == nullptr) {
        // A new kept state runs once with audio_ctx on 1 s of silence in a named language: from then
        // on its language detections use the short encoder too.
        whisper_full_params prime = whisper_full_default_params(WHISPER_SAMPLING_GREEDY);
        prime.n_threads = w->threads;
        prime.language = "en";
        prime.audio_ctx = w->audioCtx;
        prime.print_progress = prime.print_realtime = prime.print_timestamps = false;
        // Only the encoder's length matters here: one token of decoding at most.
        prime.single_segment = true;
        prime.no_context = true;
        prime.max_tokens = 1;
        const std::vector<float> silence(16000, 0.0f);
        whisper_full_with_state(m->ctx, state, prime, silence.data(), static_cast<int>(silence.size()));
        m->shortState = state;
        m->shortCtx = w->audioCtx;
      }
      whisper_full_params p = whisper_full_default_params(WHISPER_SAMPLING_GREEDY);
      p.n_threads = w->threads;
      p.language = w->language.c_str();
      p.no_context = true; // nothing said in one window (or call) is carried into the next, kept state or not
      p.detect_language = false;
      // No temperature fallback: a call transcript is better late than re-decoded five times.
      p.temperature = 0.0f;
      p.temperature_inc = 0.0f;
      if (w->maxContext >= 0) p.n_max_text_ctx = w->maxContext;
      // whisper.cpp splits segments at max_len only with token timestamps on.
      p.max_len = w->maxLen;
      p.token_timestamps = w->maxLen > 0;
      // Short live windows: the encoder runs on this many 20 ms frames instead of 1500 (whisper.cpp
      // refuses more than the model's own with code -5).
      p.audio_ctx = w->audioCtx;
      p.print_progress = p.print_realtime = p.print_timestamps = p.print_special = false;
      // Counts the 30 s windows the encoder runs on: with the time and tokens, what a window and a token cost.
      p.encoder_begin_callback = [](whisper_context *, whisper_state *, void *user) {
        auto *w = static_cast<TranscribeWork *>(user);
        if (w->encoderRuns++ == 0) {
          w->encodeStart = std::chrono::steady_clock::now();
          w->beforeEncodeMs = std::chrono::duration<double, std::milli>(w->encodeStart - w->fullStart).count();
        }
        return true;
      };
      p.encoder_begin_callback_user_data = w;
      p.logits_filter_callback = [](whisper_context *, whisper_state *, const whisper_token_data *, int, float *, void *user) {
        auto *w = static_cast<TranscribeWork *>(user);
        if (w->encodeMs < 0) w->encodeMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w->encodeStart).count();
      };
      p.logits_filter_callback_user_data = w;
      const auto t0 = std::chrono::steady_clock::now();
      w->fullStart = t0;
      w->rc = whisper_full_with_state(w->model->ctx, state, p, w->samples.data(), static_cast<int>(w->samples.size()));
      w->ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (w->rc == 0) {
        const int lang = whisper_full_lang_id_from_state(state);
        if (lang >= 0) w->detected = whisper_lang_str(lang);
        const int n = whisper_full_n_segments_from_state(state);
        for (int i = 0; i < n; i++) {
          // whisper.cpp counts in 10 ms steps.
          w->segments.push_back({ whisper_full_get_segment_t0_from_state(state, i) * 10,
            whisper_full_get_segment_t1_from_state(state, i) * 10,
            whisper_full_get_segment_text_from_state(state, i) });
          w->tokens += whisper_full_n_tokens_from_state(state, i);
        }
      }
      if (kept) m->shortBusy.store(false);
      else whisper_free_state(state);
    },
    [](napi_env env, napi_status, void *data) {
      auto *w = static_cast<TranscribeWork *>(data);
      w->model->inFlight--;
      if (w->rc != 0) {
        rejectWith(env, w->deferred, w->rc == -100 ? "whisper.cpp could not allocate a decoding state" : "whisper.cpp failed to transcribe (code " + std::to_string(w->rc) + ")");
      } else {
        napi_value result, segs, v;
        napi_create_object(env, &result);
        napi_create_string_utf8(env, w->detected.c_str(), NAPI_AUTO_LENGTH, &v);
        napi_set_named_property(env, result, "language", v);
        napi_create_array_with_length(env, w->segments.size(), &segs);
        for (size_t i = 0; i < w->segments.size(); i++) {
          napi_value seg;
          napi_create_object(env, &seg);
          setNumber(env, seg, "startMs", static_cast<double>(w->segments[i].t0));
          setNumber(env, seg, "endMs", static_cast<double>(w->segments[i].t1));
          napi_create_string_utf8(env, w->segments[i].text.c_str(), NAPI_AUTO_LENGTH, &v);
          napi_set_named_property(env, seg, "text", v);
          napi_set_element(env, segs, i, seg);
        }
        napi_set_named_property(env, result, "segments", segs);
        napi_value stats;
        napi_create_object(env, &stats);
        setNumber(env, stats, "encoderRuns", w->encoderRuns);
        setNumber(env, stats, "tokens", w->tokens);
        setNumber(env, stats, "ms", w->ms);
        setNumber(env, stats, "encodeMs", w->encodeMs);
        setNumber(env, stats, "beforeEncodeMs", w->beforeEncodeMs);
        napi_set_named_property(env, result, "stats", stats);
        napi_resolve_deferred(env, w->deferred, result);
      }
      finishOnModel(env, w);
    }, w, &w->work);
  CHECK(env, napi_queue_async_work(env, w->work));
  return promise;
}

// encodeWindow(model, Int16Array samples, threads): Promise<{ melMs, encodeMs }>: one encoder pass over
// the first 30 s window, timed alone (what a window costs, apart from decoding).
struct EncodeWork {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  Model *model = nullptr;
  std::vector<float> samples;
  int threads = 1;
  int rc = 0;
  double melMs = 0, encodeMs = 0;
};

napi_value EncodeWindow (napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  Model *m = getModel(env, argv[0]);
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (m == nullptr || m->ctx == nullptr || m->freeWhenIdle || napi_get_typedarray_info(env, argv[1], &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_int16_array) {
    napi_throw_type_error(env, nullptr, "ringlead-whisper: encodeWindow(model, Int16Array, threads)");
    return nullptr;
  }
  auto *w = new EncodeWork();
  w->model = m;
  const int16_t *pcm = static_cast<const int16_t *>(data);
  w->samples.resize(length);
  for (size_t i = 0; i < length; i++) w->samples[i] = static_cast<float>(pcm[i]) / 32768.0f;
  napi_get_value_int32(env, argv[2], &w->threads);
  m->inFlight++;
  napi_value promise, name;
  CHECK(env, napi_create_promise(env, &w->deferred, &promise));
  napi_create_string_utf8(env, "whisper-encode", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, nullptr, name,
    [](napi_env, void *data) {
      auto *w = static_cast<EncodeWork *>(data);
      whisper_state *state = whisper_init_state(w->model->ctx);
      if (state == nullptr) { w->rc = -100; return; }
      using clock = std::chrono::steady_clock;
      const auto t0 = clock::now();
      w->rc = whisper_pcm_to_mel_with_state(w->model->ctx, state, w->samples.data(), static_cast<int>(w->samples.size()), w->threads);
      const auto t1 = clock::now();
      if (w->rc == 0) w->rc = whisper_encode_with_state(w->model->ctx, state, 0, w->threads);
      const auto t2 = clock::now();
      w->melMs = std::chrono::duration<double, std::milli>(t1 - t0).count();
      w->encodeMs = std::chrono::duration<double, std::milli>(t2 - t1).count();
      whisper_free_state(state);
    },
    [](napi_env env, napi_status, void *data) {
      auto *w = static_cast<EncodeWork *>(data);
      w->model->inFlight--;
      if (w->rc != 0) rejectWith(env, w->deferred, "whisper.cpp failed to encode (code " + std::to_string(w->rc) + ")");
      else {
        napi_value result;
        napi_create_object(env, &result);
        setNumber(env, result, "melMs", w->melMs);
        setNumber(env, result, "encodeMs", w->encodeMs);
        napi_resolve_deferred(env, w->deferred, result);
      }
      finishOnModel(env, w);
    }, w, &w->work);
  CHECK(env, napi_queue_async_work(env, w->work));
  return promise;
}

// free(model): the weights go as soon as the calls in hand end.
napi_value Free (napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  Model *m = getModel(env, argv[0]);
  if (m != nullptr) {
    m->freeWhenIdle = true;
    releaseIfDone(m);
  }
  return nullptr;
}

napi_value Init (napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "systemInfo", nullptr, SystemInfo, nullptr, nullptr, nullptr, napi_default, nullptr },
    { "load", nullptr, Load, nullptr, nullptr, nullptr, napi_default, nullptr },
    { "transcribe", nullptr, Transcribe, nullptr, nullptr, nullptr, napi_default, nullptr },
    { "free", nullptr, Free, nullptr, nullptr, nullptr, napi_default, nullptr },
    { "encodeWindow", nullptr, EncodeWindow, nullptr, nullptr, nullptr, napi_default, nullptr },
    { "quantize", nullptr, ringlead::Quantize, nullptr, nullptr, nullptr, napi_default, nullptr },
  };
  CHECK(env, napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

} // namespace

NAPI_MODULE(ringlead_whisper, Init)
