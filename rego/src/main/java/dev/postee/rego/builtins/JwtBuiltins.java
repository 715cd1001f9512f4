package dev.postee.rego.builtins;

import dev.postee.rego.builtins.security.GoBase64;
import dev.postee.rego.builtins.security.Jws;
import dev.postee.rego.builtins.security.Keys;
import dev.postee.rego.builtins.security.Pem;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.Json;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * io.jwt.*: decoding, verifying and signing JSON Web Tokens (JWS compact serialization), with
 * OPA's checks, verification rules and error texts.
 */
public final class JwtBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("io.jwt.decode", (ctx, args) -> decode(Args.string(args, 0)));
    r.function("io.jwt.decode_verify", (ctx, args) -> decodeVerify(ctx, Args.string(args, 0), Args.object(args, 1)));
    r.function("io.jwt.encode_sign", (ctx, args) -> encodeSign(
        Json.writeGo(args[0]), Json.writeGo(args[1]), Json.writeGo(args[2])));
    r.function("io.jwt.encode_sign_raw", (ctx, args) -> encodeSign(
        Args.string(args, 0), Args.string(args, 1), Args.string(args, 2)));
    for (String alg : List.of("hs256", "hs384", "hs512")) {
      Jws a = Jws.of(alg.toUpperCase());
      r.function("io.jwt.verify_" + alg, (ctx, args) -> verifyHmac(a, Args.string(args, 0), Args.string(args, 1)));
    }
    for (String alg : List.of("rs256", "rs384", "rs512", "ps256", "ps384", "ps512", "es256", "es384", "es512")) {
      Jws a = Jws.of(alg.toUpperCase());
      r.function("io.jwt.verify_" + alg, (ctx, args) -> verifyAsymmetric(a, Args.string(args, 0), Args.string(args, 1)));
    }
    r.function("io.jwt.verify_eddsa", (ctx, args) -> verifyAsymmetric(Jws.EdDSA, Args.string(args, 0), Args.string(args, 1)));
  }

  // ---- token parts ----------------------------------------------------------------------------

  private record Token(String header, String payload, String signature) {
    byte[] signingInput() { return (header + "." + payload).getBytes(StandardCharsets.UTF_8); }
  }

  private static Token split(String jwt) {
    if (!jwt.contains(".")) throw BuiltinException.error("encoded JWT had no period separators");
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) throw BuiltinException.error("encoded JWT must have 3 sections, found " + parts.length);
    return new Token(parts[0], parts[1], parts[2]);
  }

  /** OPA's base64url.decode: missing padding is restored (RFC 7515 appendix C), then Go's decoder. */
  private static byte[] base64Url(String s, String context) {
    String padded = s;
    if (!s.endsWith("=")) {
      switch (s.length() % 4) {
        case 0 -> { }
        case 2 -> padded = s + "==";
        case 3 -> padded = s + "=";
        default -> throw BuiltinException.error(context + "illegal base64url string: " + s);
      }
    }
    try {
      return GoBase64.decodeUrl(padded);
    } catch (GoBase64.CorruptInput e) {
      throw BuiltinException.error(context + e.getMessage());
    }
  }

  private static ObjectValue jsonObject(byte[] bytes, String context) {
    Value v;
    try {
      v = Json.parse(bytes);
    } catch (RuntimeException e) {
      throw BuiltinException.error(context + "invalid JSON: " + e.getMessage());
    }
    if (!(v instanceof ObjectValue o)) throw BuiltinException.error(context + "decoded JSON type was not an Object");
    return o;
  }

  private static ObjectValue header(Token token) {
    byte[] raw = base64Url(token.header(), "JWT header had invalid encoding: ");
    ObjectValue header = jsonObject(raw, "bad JWT header: ");
    if (header.get("enc") != null) throw BuiltinException.error("JWT is a JWE object, which is not supported");
    return header;
  }

  private static byte[] signature(Token token) { return base64Url(token.signature(), ""); }

  private static String text(byte[] bytes) { return new String(bytes, StandardCharsets.UTF_8); }

  // ---- io.jwt.decode --------------------------------------------------------------------------

  private static Value decode(String jwt) {
    Token token = split(jwt);
    ObjectValue header = header(token);
    byte[] payload = base64Url(token.payload(), "JWT payload had invalid encoding: ");
    if (header.get("cty") instanceof StringValue cty && cty.value().equals("JWT")) {
      return decode(trimQuotes(text(payload)));
    }
    ObjectValue claims = jsonObject(payload, "");
    byte[] sig = base64Url(token.signature(), "JWT signature had invalid encoding: ");
    return ArrayValue.of(header, claims, StringValue.of(HexFormat.of().formatHex(sig)));
  }

  private static String trimQuotes(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && (s.charAt(from) == '"' || s.charAt(from) == '\'')) from++;
    while (to > from && (s.charAt(to - 1) == '"' || s.charAt(to - 1) == '\'')) to--;
    return s.substring(from, to);
  }

  // ---- keys -----------------------------------------------------------------------------------

  /** A verification key; {@code alg} and {@code kid} come from a JWK, empty for PEM input. */
  private record VerificationKey(String alg, String kid, Object key) {}

  /** OPA's getKeysFromCertOrJWK: a PEM certificate or public key, or a JWK (set). */
  private static List<VerificationKey> keys(String text) {
    Pem.Block block = Pem.decode(text);
    if (block != null) {
      if (block.rest().length > 0) throw BuiltinException.error("extra data after a PEM certificate block");
      if (block.type().equals("CERTIFICATE")) {
        try {
          return List.of(new VerificationKey("", "", Keys.publicKeyOf(Keys.certificate(block.bytes()))));
        } catch (Keys.KeyException e) {
          throw BuiltinException.error("failed to parse a PEM certificate: " + e.getMessage());
        }
      }
      if (block.type().equals("PUBLIC KEY")) {
        try {
          return List.of(new VerificationKey("", "", Keys.pkixPublicKey(block.bytes())));
        } catch (Keys.KeyException e) {
          throw BuiltinException.error("failed to parse a PEM public key: " + e.getMessage());
        }
      }
      throw BuiltinException.error("failed to extract a Key from the PEM certificate");
    }
    List<Keys.Jwk> jwks;
    try {
      jwks = Keys.parseJwks(text);
    } catch (Keys.KeyException e) {
      throw BuiltinException.error("failed to parse a JWK key (set): " + e.getMessage());
    }
    List<VerificationKey> out = new ArrayList<>();
    for (Keys.Jwk k : jwks) out.add(new VerificationKey(k.alg(), k.kid(), k.key()));
    return out;
  }

  private record Header(String alg, String kid, String cty, boolean valid) {}

  /** OPA's parseTokenHeader + valid(): typed standard parameters, 'crit' honoured. */
  private static Header parseHeader(ObjectValue h) {
    String alg = "";
    String kid = "";
    String cty = "";
    java.util.Set<String> crit = new java.util.HashSet<>();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) {
      String key = ((StringValue) h.keyAt(i)).value();
      Value v = h.valueAt(i);
      switch (key) {
        case "alg", "kid", "typ", "cty" -> {
          if (!(v instanceof StringValue s)) throw BuiltinException.error(key + ": must be a string");
          switch (key) {
            case "alg" -> alg = s.value();
            case "kid" -> kid = s.value();
            case "cty" -> cty = s.value();
            default -> { }
          }
        }
        case "crit" -> {
          if (!(v instanceof ArrayValue a)) throw BuiltinException.error("crit: must be a list");
          for (Value e : a.asList()) if (e instanceof StringValue s) crit.add(s.value());
          if (crit.isEmpty()) throw BuiltinException.error("crit: must be a nonempty list");
        }
        default -> unknown.add(key);
      }
    }
    boolean valid = !alg.isEmpty();
    for (String u : unknown) if (crit.contains(u)) valid = false;
    return new Header(alg, kid, cty, valid);
  }

  // ---- verify_* -------------------------------------------------------------------------------

  private static Value verifyHmac(Jws alg, String jwt, String secret) {
    Token token = split(jwt);
    byte[] sig = signature(token);
    try {
      return BooleanValue.of(alg.verify(secret.getBytes(StandardCharsets.UTF_8), token.signingInput(), sig));
    } catch (Jws.VerifyException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  private static Value verifyAsymmetric(Jws alg, String jwt, String keyText) {
    Token token = split(jwt);
    List<VerificationKey> keys = keys(keyText);
    byte[] sig = signature(token);
    Header header = parseHeader(header(token));
    byte[] input = token.signingInput();
    if (!header.kid().isEmpty()) {
      for (VerificationKey k : keys) {
        if (k.kid().equals(header.kid())) return BooleanValue.of(verifies(alg, k.key(), input, sig));
      }
    }
    for (VerificationKey k : keys) {
      if (!k.alg().isEmpty() && !k.alg().equals(header.alg())) continue;
      if (verifies(alg, k.key(), input, sig)) return BooleanValue.of(true);
    }
    return BooleanValue.of(false);
  }

  private static boolean verifies(Jws alg, Object key, byte[] input, byte[] sig) {
    try {
      return alg.verify(key, input, sig);
    } catch (Jws.VerifyException e) {
      return false;
    }
  }

  // ---- io.jwt.decode_verify -------------------------------------------------------------------

  private static final ArrayValue UNVERIFIED =
      ArrayValue.of(BooleanValue.of(false), ObjectValue.EMPTY, ObjectValue.EMPTY);

  private static final class Constraints {
    List<VerificationKey> keys;
    String secret = "";
    String alg = "";
    String iss = "";
    String aud = "";
    double time = -1;
  }

  private static Constraints constraints(BuiltinContext ctx, ObjectValue o) {
    Constraints c = new Constraints();
    for (int i = 0; i < o.size(); i++) {
      String name = o.keyAt(i) instanceof StringValue s ? s.value() : o.keyAt(i).toString();
      Value v = o.valueAt(i);
      switch (name) {
        case "cert" -> {
          if (!(v instanceof StringValue s)) throw BuiltinException.error("cert constraint: must be a string");
          c.keys = keys(s.value());
        }
        case "secret", "alg", "iss", "aud" -> {
          if (!(v instanceof StringValue s)) throw BuiltinException.error(name + " constraint: must be a string");
          switch (name) {
            case "secret" -> c.secret = s.value();
            case "alg" -> c.alg = s.value();
            case "iss" -> c.iss = s.value();
            default -> c.aud = s.value();
          }
        }
        case "time" -> c.time = timeConstraint(v);
        default -> throw BuiltinException.error("unknown token validation constraint: " + name);
      }
    }
    if (c.time == -1) c.time = (double) ctx.nowNanos();
    int keyConstraints = (c.keys != null ? 1 : 0) + (c.secret.isEmpty() ? 0 : 1);
    if (keyConstraints > 1) throw BuiltinException.error("duplicate key constraints");
    if (keyConstraints < 1) throw BuiltinException.error("no key constraint");
    return c;
  }

  private static double timeConstraint(Value v) {
    if (!(v instanceof NumberValue n)) throw BuiltinException.error("token time constraint: must be a number");
    double d = n.doubleValue();
    if (Double.isInfinite(d) || Double.isNaN(d)) throw BuiltinException.error("token time constraint: unvalid float64");
    if (d < 0) throw BuiltinException.error("token time constraint: must not be negative");
    return d;
  }

  private static Value decodeVerify(BuiltinContext ctx, String jwt, ObjectValue constraintObject) {
    Constraints c = constraints(ctx, constraintObject);
    String current = jwt;
    Token token;
    ObjectValue headerObject;
    byte[] payload;
    while (true) {
      token = split(current);
      headerObject = header(token);
      Header header = parseHeader(headerObject);
      if (!header.valid()) return UNVERIFIED;
      if (!c.alg.isEmpty() && !c.alg.equals(header.alg())) return UNVERIFIED;
      byte[] sig = signature(token);
      if (!signatureVerifies(c, header, token.signingInput(), sig)) return UNVERIFIED;
      payload = base64Url(token.payload(), "JWT payload had invalid encoding: ");
      if (header.cty().equalsIgnoreCase("JWT")) {
        current = text(payload);
        continue;
      }
      break;
    }
    ObjectValue claims = jsonObject(payload, "");
    if (!c.iss.isEmpty()) {
      if (!(claims.get("iss") instanceof StringValue iss) || !iss.value().equals(c.iss)) return UNVERIFIED;
    }
    Value aud = claims.get("aud");
    if (aud != null) {
      if (!validAudience(aud, c.aud)) return UNVERIFIED;
    } else if (!c.aud.isEmpty()) {
      return UNVERIFIED;
    }
    // OPA compares against the float64 seconds value rendered as its shortest decimal text.
    BigDecimal now = BigDecimal.valueOf(c.time / 1_000_000_000d);
    Value exp = claims.get("exp");
    if (exp != null) {
      if (!(exp instanceof NumberValue n)) throw BuiltinException.error("exp value must be a number");
      if (now.compareTo(n.toBigDecimal()) >= 0) return UNVERIFIED;
    }
    Value nbf = claims.get("nbf");
    if (nbf != null) {
      if (!(nbf instanceof NumberValue n)) throw BuiltinException.error("nbf value must be a number");
      if (now.compareTo(n.toBigDecimal()) < 0) return UNVERIFIED;
    }
    return ArrayValue.of(BooleanValue.of(true), headerObject, claims);
  }

  private static boolean validAudience(Value aud, String want) {
    if (aud instanceof StringValue s) return s.value().equals(want);
    if (aud instanceof ArrayValue a) {
      for (Value e : a.asList()) if (e instanceof StringValue s && s.value().equals(want)) return true;
    }
    return false;
  }

  /** OPA's tokenConstraints.verify: false when the signature does not verify, errors for misuse. */
  private static boolean signatureVerifies(Constraints c, Header header, byte[] input, byte[] sig) {
    Jws alg = Jws.of(header.alg());
    if (alg == null) throw BuiltinException.error("unknown JWS algorithm: " + header.alg());
    if (c.keys != null) {
      if (!header.kid().isEmpty()) {
        for (VerificationKey k : c.keys) {
          if (k.kid().equals(header.kid())) return verifies(alg, k.key(), input, sig);
        }
      }
      for (VerificationKey k : c.keys) {
        if (!k.alg().isEmpty() && !k.alg().equals(header.alg())) continue;
        if (verifies(alg, k.key(), input, sig)) return true;
      }
      return false;
    }
    try {
      return alg.verify(c.secret.getBytes(StandardCharsets.UTF_8), input, sig);
    } catch (Jws.VerifyException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  // ---- io.jwt.encode_sign / encode_sign_raw ---------------------------------------------------

  private static Value encodeSign(String headers, String payload, String jwk) {
    Keys.Jwk key;
    try {
      List<Keys.Jwk> keys = Keys.parseJwks(jwk);
      if (keys.isEmpty()) throw BuiltinException.error("failed to parse a JWK key (set): no keys");
      key = keys.get(0);
    } catch (Keys.KeyException e) {
      throw BuiltinException.error(e.getMessage());
    }
    if (!Keys.keyType(key.key()).equals(key.kty())) {
      throw BuiltinException.error("JWK derived key type and keyType parameter do not match");
    }
    Jws alg = algorithm(headers);
    Value typ = parseOrNull(headers) instanceof ObjectValue h ? h.get("typ") : null;
    boolean jwtType = typ == null || (typ instanceof StringValue s && (s.value().isEmpty() || s.value().equals("JWT")));
    if (jwtType && !isJson(payload)) throw BuiltinException.error("type is JWT but payload is not JSON");
    String input = GoBase64.encodeRawUrl(headers.getBytes(StandardCharsets.UTF_8)) + "."
        + GoBase64.encodeRawUrl(payload.getBytes(StandardCharsets.UTF_8));
    byte[] sig;
    try {
      sig = alg.sign(key.key(), input.getBytes(StandardCharsets.UTF_8));
    } catch (Jws.VerifyException e) {
      throw BuiltinException.error(e.getMessage());
    }
    return StringValue.of(input + "." + GoBase64.encodeRawUrl(sig));
  }

  /** The signing algorithm named by the protected header, with the texts of OPA's JWS library. */
  private static Jws algorithm(String headers) {
    String prefix = "missing or invalid 'alg' header: ";
    if (headers.isEmpty()) throw BuiltinException.error(prefix + "cannot parse JSON: cannot parse empty string");
    Value parsed = parseOrNull(headers);
    if (parsed == null) {
      if (headers.contains("{")) throw BuiltinException.error(prefix + "cannot parse JSON");
      throw BuiltinException.error(prefix + "jwsbb: header \"alg\" not found");
    }
    if (!(parsed instanceof ObjectValue o) || !(o.get("alg") instanceof StringValue name)) {
      throw BuiltinException.error(prefix + "jwsbb: header \"alg\" not found");
    }
    Jws alg = Jws.of(name.value());
    if (alg == null) throw BuiltinException.error("unknown JWS algorithm: " + name.value());
    return alg;
  }

  private static Value parseOrNull(String text) {
    try {
      return Json.parse(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean isJson(String text) { return parseOrNull(text) != null; }
}
