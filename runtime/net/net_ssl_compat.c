// SPDX-License-Identifier: Apache-2.0
// Debian 12's civetweb 1.15 loads OpenSSL at run time (dlopen "libssl.so")
// and wants SSL_get_peer_certificate, which OpenSSL 3 only has as a macro
// (civetweb issue #1334): TLS fails to start. This library carries the
// SONAME "libssl.so" and depends on the real libssl.so.3; linked into the
// hub and the headset client, it is already loaded when civetweb asks for
// "libssl.so", so civetweb gets it, finds every OpenSSL symbol through its
// dependency, and the one missing name here.
void *SSL_get1_peer_certificate(const void *ssl);
void *SSL_get_peer_certificate(const void *ssl);

void *SSL_get_peer_certificate(const void *ssl)
{
    return SSL_get1_peer_certificate(ssl);
}
