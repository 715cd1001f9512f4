package dev.postee.app.http;

import dev.postee.app.server.Secret;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Optional authentication of ingest requests: a bearer token from a configured list, and/or an
 * HMAC-SHA256 signature of the body in a header ({@code sha256=<hex>}). When both are configured a
 * request passes with either. All comparisons take the same time whatever the input.
 */
final class IngestAuth {
  private final List<byte[]> tokenDigests = new ArrayList<>();
  private final byte[] hmacKey;
  private final String header;

  IngestAuth(List<Secret> tokens, Secret hmacSecret, String header) {
    for (Secret t : tokens) tokenDigests.add(sha256(t.value().getBytes(StandardCharsets.UTF_8)));
    this.hmacKey = hmacSecret == null ? null : hmacSecret.value().getBytes(StandardCharsets.UTF_8);
    this.header = header;
  }

  boolean enabled() { return !tokenDigests.isEmpty() || hmacKey != null; }

  String describe() {
    List<String> ways = new ArrayList<>();
    if (!tokenDigests.isEmpty()) ways.add("bearer token (" + tokenDigests.size() + " configured)");
    if (hmacKey != null) ways.add("HMAC-SHA256 body signature in header " + header);
    return String.join(" or ", ways);
  }

  /** What a request presented, decided before the body is read. */
  enum Verdict { ACCEPTED, CHECK_SIGNATURE }

  /**
   * Checks the bearer token; rejects a request that presents nothing usable before its body is read.
   *
   * @return ACCEPTED (no auth configured, or a valid token) or CHECK_SIGNATURE (verify the body)
   */
  Verdict beforeBody(Context ctx) {
    if (!enabled()) return Verdict.ACCEPTED;
    String bearer = Bearer.token(ctx);
    if (bearer != null && !tokenDigests.isEmpty()) {
      if (tokenMatches(bearer)) return Verdict.ACCEPTED;
      if (hmacKey == null || ctx.header(header) == null) throw unauthorized("the bearer token is not valid for ingest");
    }
    if (hmacKey != null && ctx.header(header) != null) return Verdict.CHECK_SIGNATURE;
    throw unauthorized("ingest requires authentication: send " + expected());
  }

  /** Verifies the signature header against the body. */
  void verifySignature(Context ctx, byte[] body) {
    String given = ctx.header(header);
    String hex = given == null ? "" : given.strip();
    if (!hex.regionMatches(true, 0, "sha256=", 0, 7)) {
      throw unauthorized("header " + header + " must be sha256=<hex of the HMAC-SHA256 of the body>");
    }
    byte[] presented;
    try {
      presented = HexFormat.of().parseHex(hex.substring(7).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw unauthorized("header " + header + " must be sha256=<hex of the HMAC-SHA256 of the body>");
    }
    if (!MessageDigest.isEqual(hmac(body), presented)) {
      throw unauthorized("the signature in " + header + " does not match the body (HMAC-SHA256 with the configured secret)");
    }
  }

  private String expected() {
    List<String> ways = new ArrayList<>();
    if (!tokenDigests.isEmpty()) ways.add("'Authorization: Bearer <token>'");
    if (hmacKey != null) ways.add("'" + header + ": sha256=<hex HMAC-SHA256 of the body>'");
    return String.join(" or ", ways);
  }

  private boolean tokenMatches(String presented) {
    byte[] digest = sha256(presented.getBytes(StandardCharsets.UTF_8));
    boolean match = false;
    for (byte[] t : tokenDigests) match |= MessageDigest.isEqual(t, digest);
    return match;
  }

  private byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ApiError unauthorized(String message) {
    return new ApiError(401, message).header("WWW-Authenticate", "Bearer realm=\"postee ingest\"");
  }
}
