#pragma once

// Secrets are taken out of everything the review sends to a model (code, findings, notes,
// file names) and replaced by `[REDACTED:<kind>]`. Hand-written scanners, one per kind of
// secret; no std::regex (slow on whole files).
//
// Kinds: private-key (a whole PEM block), aws-access-key-id, github-token, slack-token,
// api-key (sk-..., sk-ant-...), google-api-key, stripe-key, jwt, url-password (the password
// of scheme://user:PASSWORD@host; user and host are kept), and for an assignment whose name
// says secret (…password, …passwd, …secret, …token, …api_key, …apikey, …access_key,
// …private_key, …secret_key; case-insensitive, `_` and `-` ignored) of a *literal* value of 8
// or more characters: password, secret, token, api-key, access-key, aws-secret-access-key,
// private-key. A literal is quoted ("…", '…', `…`), or bare at the end of its line
// (`NAME=value`, `name: value`); a bare value that reads like code (`x.token = tokenValue`,
// `token := ctx.Value(k)`) is left alone. Placeholders (`${VAR}`, `%s`, `<password>`, `****`)
// are not secrets.
//
// Line breaks inside a redacted span are kept, so line numbers stay valid.

#include <string>
#include <string_view>

namespace patchgate::review {

// `count`, if given, is increased by the number of secrets replaced.
std::string redact_secrets(std::string_view text, int* count = nullptr);

// `.env`, `.env.local`, `config/.env.production`: files of NAME=value lines, every value secret.
bool is_env_file(std::string_view path);
// Every non-empty value of a NAME=value line becomes `[REDACTED:env-value]`; names, comments
// and blank lines are kept. Then redact_secrets for anything else in it.
std::string redact_env_file(std::string_view text, int* count = nullptr);

}  // namespace patchgate::review
