// Small N-API pieces shared by the addon's files: strings in, errors and numbers out.
#pragma once

#include <node_api.h>

#include <string>

namespace ringlead {

inline std::string getString (napi_env env, napi_value v) {
  size_t len = 0;
  napi_get_value_string_utf8(env, v, nullptr, 0, &len);
  std::string s(len, '\0');
  napi_get_value_string_utf8(env, v, s.data(), len + 1, &len);
  return s;
}

inline napi_value rejectWith (napi_env env, napi_deferred d, const std::string &message) {
  napi_value msg, err;
  napi_create_string_utf8(env, message.c_str(), NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, nullptr, msg, &err);
  napi_reject_deferred(env, d, err);
  return nullptr;
}

inline void setNumber (napi_env env, napi_value object, const char *name, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, object, name, v);
}

} // namespace ringlead
