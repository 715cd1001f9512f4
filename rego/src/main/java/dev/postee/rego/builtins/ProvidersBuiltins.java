package dev.postee.rego.builtins;

import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * providers.aws.sign_req: AWS Signature Version 4 for an http.send request object, computed the
 * way OPA's signer does it (headers signed as given, raw query string, no payload signing for
 * services other than S3 and Glacier unless asked).
 */
public final class ProvidersBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("providers.aws.sign_req", (ctx, args) ->
        signRequest(Args.object(args, 0), Args.object(args, 1), Args.number(args, 2)));
  }

  private static final List<String> REQUIRED_CONFIG = List.of("aws_access_key", "aws_region",
      "aws_secret_access_key", "aws_service");
  private static final Set<String> IGNORED_HEADERS = Set.of("authorization", "user-agent", "x-amzn-trace-id");
  private static final Set<String> ALLOWED_REQUEST_KEYS = Set.of("method", "url", "body", "enable_redirect",
      "force_json_decode", "force_yaml_decode", "headers", "raw_body", "tls_use_system_certs", "tls_ca_cert",
      "tls_ca_cert_file", "tls_ca_cert_env_variable", "tls_client_cert", "tls_client_cert_file",
      "tls_client_cert_env_variable", "tls_client_key", "tls_client_key_file", "tls_client_key_env_variable",
      "tls_insecure_skip_verify", "tls_server_name", "timeout", "cache", "force_cache",
      "force_cache_duration_seconds", "raise_error", "caching_mode", "max_retry_attempts", "cache_ignored_headers");

  private static String str(Value v) { return v instanceof StringValue s ? s.value() : ""; }

  private static Value signRequest(ObjectValue req, ObjectValue config, NumberValue time) {
    SetValue.Builder missing = SetValue.builder();
    for (String k : REQUIRED_CONFIG) if (config.get(k) == null) missing.add(StringValue.of(k));
    if (missing.size() > 0) {
      throw BuiltinException.typeError("operand 2 missing required AWS config parameters(s): " + missing.build().toRego());
    }
    SetValue.Builder invalid = SetValue.builder();
    for (String k : REQUIRED_CONFIG) if (!(config.get(k) instanceof StringValue)) invalid.add(StringValue.of(k));
    if (invalid.size() > 0) {
      throw BuiltinException.typeError("operand 2 invalid values for required AWS config parameters(s): "
          + invalid.build().toRego());
    }
    String service = str(config.get("aws_service"));
    String accessKey = str(config.get("aws_access_key"));
    String secretKey = str(config.get("aws_secret_access_key"));
    String region = str(config.get("aws_region"));
    String sessionToken = str(config.get("aws_session_token"));

    BigInteger ns = time.toBigInteger();
    if (ns == null || ns.bitLength() > 63) {
      throw BuiltinException.typeError("operand 3 could not convert time_ns value into a unix timestamp");
    }
    Instant signingTime = Instant.ofEpochSecond(0, ns.longValue());
    validateRequest(req);

    Value headersValue = req.get("headers");
    ObjectValue headers = ObjectValue.EMPTY;
    if (headersValue != null) {
      if (!(headersValue instanceof ObjectValue h)) {
        throw BuiltinException.typeError("operand 0 must be object but got " + headersValue.typeName());
      }
      headers = h;
    }
    SetValue.Builder badParams = SetValue.builder();
    if (!(req.get("url") instanceof StringValue)) badParams.add(StringValue.of("url"));
    if (!(req.get("method") instanceof StringValue)) badParams.add(StringValue.of("method"));
    if (badParams.size() > 0) {
      throw BuiltinException.typeError("operand 1 invalid values for required request parameters(s): "
          + badParams.build().toRego());
    }
    String url = str(req.get("url"));
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw BuiltinException.error("parse " + Json.quote(url) + ": " + e.getMessage());
    }
    String method = str(req.get("method"));
    byte[] body;
    if (req.get("raw_body") != null) body = str(req.get("raw_body")).getBytes(StandardCharsets.UTF_8);
    else if (req.get("body") != null) body = Json.writeGo(req.get("body")).getBytes(StandardCharsets.UTF_8);
    else body = new byte[0];

    boolean disablePayloadSigning = false;
    Value dps = config.get("disable_payload_signing");
    if (dps != null) {
      if (!(dps instanceof BooleanValue b)) {
        throw BuiltinException.typeError("operand 2 invalid value for 'disable_payload_signing' in AWS config");
      }
      disablePayloadSigning = b.value();
    }

    Map<String, String> original = new TreeMap<>();
    for (int i = 0; i < headers.size(); i++) original.put(str(headers.keyAt(i)), str(headers.valueAt(i)));

    String contentSha256 = disablePayloadSigning ? "UNSIGNED-PAYLOAD" : hex(sha256(body));
    var utc = signingTime.atZone(ZoneOffset.UTC);
    String date = utc.format(DateTimeFormatter.ofPattern("yyyyMMdd"));
    String stamp = utc.format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
    String host = uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceFirst("^.*@", "");

    Map<String, String> awsHeaders = new TreeMap<>();
    awsHeaders.put("host", host);
    awsHeaders.put("x-amz-date", stamp);
    if (service.equals("s3") || service.equals("glacier")) awsHeaders.put("x-amz-content-sha256", contentSha256);
    if (!sessionToken.isEmpty()) awsHeaders.put("x-amz-security-token", sessionToken);

    Map<String, String> toSign = new TreeMap<>(awsHeaders);
    for (Map.Entry<String, String> h : original.entrySet()) {
      String lower = h.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!IGNORED_HEADERS.contains(lower)) toSign.put(lower, h.getValue());
    }
    StringBuilder canonical = new StringBuilder();
    canonical.append(method).append('\n');
    canonical.append(uri.getRawPath() == null ? "" : uri.getRawPath()).append('\n');
    canonical.append(uri.getRawQuery() == null ? "" : uri.getRawQuery()).append('\n');
    for (Map.Entry<String, String> h : toSign.entrySet()) {
      canonical.append(h.getKey()).append(':').append(h.getValue()).append('\n');
    }
    canonical.append('\n');
    String signedHeaders = String.join(";", toSign.keySet());
    canonical.append(signedHeaders).append('\n').append(contentSha256);

    String scope = date + "/" + region + "/" + service + "/aws4_request";
    String stringToSign = "AWS4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n"
        + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, stringToSign));
    String authorization = "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ",SignedHeaders="
        + signedHeaders + ",Signature=" + signature;

    ObjectValue.Builder signed = ObjectValue.builder();
    for (Map.Entry<String, String> h : original.entrySet()) signed.put(h.getKey(), StringValue.of(h.getValue()));
    signed.put("Authorization", StringValue.of(authorization));
    for (Map.Entry<String, String> h : awsHeaders.entrySet()) signed.put(h.getKey(), StringValue.of(h.getValue()));
    return req.with(StringValue.of("headers"), signed.build());
  }

  private static void validateRequest(ObjectValue req) {
    SetValue.Builder invalid = SetValue.builder();
    for (Value k : req.keys()) {
      if (!(k instanceof StringValue s) || !ALLOWED_REQUEST_KEYS.contains(s.value())) invalid.add(k);
    }
    if (invalid.size() > 0) {
      throw BuiltinException.typeError("operand 1 invalid request parameters(s): " + invalid.build().toRego());
    }
    List<Value> missing = new ArrayList<>();
    for (String k : List.of("method", "url")) if (req.get(k) == null) missing.add(StringValue.of(k));
    if (!missing.isEmpty()) {
      throw BuiltinException.typeError("operand 1 missing required request parameters(s): " + SetValue.of(missing).toRego());
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) { return HexFormat.of().formatHex(b); }
}
