// GSSAPI, as libgit2 sees it when patchgate links libgit2 from its static archives (see
// CMakeLists.txt, patchgate_libgit2): no mechanism is available.
//
// libgit2 calls GSSAPI only for an HTTP remote that asks for "Negotiate" (Kerberos)
// authentication. patchgate never fetches or pushes through libgit2; it reads the local
// repository. Kerberos has no static archive, and its seven shared libraries (gssapi_krb5,
// krb5, k5crypto, krb5support, com_err, keyutils, resolv) were loaded and relocated at every
// start of every run, pre-commit runs included. These definitions stand in for them. Should
// libgit2 ever try Negotiate, it is told that no mechanism exists, and it reports that the
// authentication failed, as it does on a machine without Kerberos configured.
#include <gssapi/gssapi.h>

extern "C" {

gss_OID GSS_C_NT_HOSTBASED_SERVICE = GSS_C_NO_OID;

OM_uint32 KRB5_CALLCONV gss_indicate_mechs(OM_uint32* minor, gss_OID_set* mechs) {
  if (minor) *minor = 0;
  if (mechs) *mechs = GSS_C_NO_OID_SET;
  return GSS_S_UNAVAILABLE;
}

OM_uint32 KRB5_CALLCONV gss_import_name(OM_uint32* minor, gss_buffer_t, gss_OID, gss_name_t* name) {
  if (minor) *minor = 0;
  if (name) *name = GSS_C_NO_NAME;
  return GSS_S_UNAVAILABLE;
}

OM_uint32 KRB5_CALLCONV gss_init_sec_context(OM_uint32* minor, gss_cred_id_t, gss_ctx_id_t* context, gss_name_t,
                                             gss_OID, OM_uint32, OM_uint32, gss_channel_bindings_t, gss_buffer_t,
                                             gss_OID* actual_mech, gss_buffer_t output, OM_uint32* flags,
                                             OM_uint32* time) {
  if (minor) *minor = 0;
  if (context) *context = GSS_C_NO_CONTEXT;
  if (actual_mech) *actual_mech = GSS_C_NO_OID;
  if (output) *output = GSS_C_EMPTY_BUFFER;
  if (flags) *flags = 0;
  if (time) *time = 0;
  return GSS_S_UNAVAILABLE;
}

// Releasing what the calls above never handed out always succeeds.
OM_uint32 KRB5_CALLCONV gss_delete_sec_context(OM_uint32* minor, gss_ctx_id_t* context, gss_buffer_t output) {
  if (minor) *minor = 0;
  if (context) *context = GSS_C_NO_CONTEXT;
  if (output) *output = GSS_C_EMPTY_BUFFER;
  return GSS_S_COMPLETE;
}

OM_uint32 KRB5_CALLCONV gss_release_name(OM_uint32* minor, gss_name_t* name) {
  if (minor) *minor = 0;
  if (name) *name = GSS_C_NO_NAME;
  return GSS_S_COMPLETE;
}

OM_uint32 KRB5_CALLCONV gss_release_buffer(OM_uint32* minor, gss_buffer_t buffer) {
  if (minor) *minor = 0;
  if (buffer) *buffer = GSS_C_EMPTY_BUFFER;
  return GSS_S_COMPLETE;
}

OM_uint32 KRB5_CALLCONV gss_release_oid_set(OM_uint32* minor, gss_OID_set* set) {
  if (minor) *minor = 0;
  if (set) *set = GSS_C_NO_OID_SET;
  return GSS_S_COMPLETE;
}

// No text for any status: libgit2 then reports its own message alone.
OM_uint32 KRB5_CALLCONV gss_display_status(OM_uint32* minor, OM_uint32, int, gss_OID, OM_uint32* more,
                                           gss_buffer_t text) {
  if (minor) *minor = 0;
  if (more) *more = 0;
  if (text) *text = GSS_C_EMPTY_BUFFER;
  return GSS_S_COMPLETE;
}

}  // extern "C"
