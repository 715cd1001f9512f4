package dev.postee.app.http;

import io.javalin.http.Context;

/** Reads {@code Authorization: Bearer <token>}. */
final class Bearer {
  private Bearer() {}

  /** The token, or null when the header is absent or not a bearer token. */
  static String token(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth == null) return null;
    auth = auth.strip();
    if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    String token = auth.substring(7).strip();
    return token.isEmpty() ? null : token;
  }
}
