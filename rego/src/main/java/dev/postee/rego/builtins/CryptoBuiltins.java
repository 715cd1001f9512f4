package dev.postee.rego.builtins;

import dev.postee.rego.builtins.security.GoBase64;
import dev.postee.rego.builtins.security.Keys;
import dev.postee.rego.builtins.security.Pem;
import dev.postee.rego.builtins.security.X509Json;
import dev.postee.rego.builtins.security.X509Json.ParsedCertificate;
import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.SetValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * crypto.*: digests, HMACs, and X.509/PEM parsing with the JSON shapes of Go's crypto/x509 and
 * crypto/tls types as OPA returns them, plus certificate chain verification with crypto/x509's rules.
 */
public final class CryptoBuiltins implements BuiltinRegistrar {
  @Override
  public void register(BuiltinRegistry r) {
    r.function("crypto.md5", (ctx, args) -> digest("MD5", Args.string(args, 0)));
    r.function("crypto.sha1", (ctx, args) -> digest("SHA-1", Args.string(args, 0)));
    r.function("crypto.sha256", (ctx, args) -> digest("SHA-256", Args.string(args, 0)));
    r.function("crypto.hmac.md5", (ctx, args) -> hmac("HmacMD5", args));
    r.function("crypto.hmac.sha1", (ctx, args) -> hmac("HmacSHA1", args));
    r.function("crypto.hmac.sha256", (ctx, args) -> hmac("HmacSHA256", args));
    r.function("crypto.hmac.sha512", (ctx, args) -> hmac("HmacSHA512", args));
    r.function("crypto.hmac.equal", (ctx, args) -> BooleanValue.of(MessageDigest.isEqual(
        utf8(Args.string(args, 0)), utf8(Args.string(args, 1)))));
    r.function("crypto.x509.parse_certificates", (ctx, args) -> {
      List<Value> out = new ArrayList<>();
      for (ParsedCertificate c : certificates(Args.string(args, 0))) out.add(c.toValue(true));
      return ArrayValue.of(out);
    });
    r.function("crypto.x509.parse_and_verify_certificates", (ctx, args) -> {
      List<ParsedCertificate> certs = certificatesOrNull(Args.string(args, 0));
      return certs == null ? unverified() : verify(certs, VerifyOptions.DEFAULT, true);
    });
    r.function("crypto.x509.parse_and_verify_certificates_with_options", (ctx, args) -> {
      List<ParsedCertificate> certs = certificatesOrNull(Args.string(args, 0));
      if (certs == null) return unverified();
      return verify(certs, verifyOptions(Args.object(args, 1)), false);
    });
    r.function("crypto.x509.parse_certificate_request", (ctx, args) -> certificateRequest(Args.string(args, 0)));
    r.function("crypto.x509.parse_keypair", (ctx, args) -> keyPair(Args.string(args, 0), Args.string(args, 1)));
    r.function("crypto.x509.parse_rsa_private_key", (ctx, args) -> privateKeyJwk(Args.string(args, 0)));
    r.function("crypto.parse_private_keys", (ctx, args) -> {
      String input = Args.string(args, 0);
      if (input.isEmpty()) return NullValue.INSTANCE;
      List<Value> out = new ArrayList<>();
      for (Object key : privateKeys(input)) out.add(X509Json.privateKey(key));
      return ArrayValue.of(out);
    });
  }

  private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  private static Value digest(String algorithm, String s) {
    try {
      return StringValue.of(HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(utf8(s))));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Value hmac(String algorithm, Value[] args) {
    byte[] message = utf8(Args.string(args, 0));
    byte[] key = utf8(Args.string(args, 1));
    try {
      Mac mac = Mac.getInstance(algorithm);
      // The JCA refuses empty keys; HMAC pads keys with zeros, so one zero byte is the same key.
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
      return StringValue.of(HexFormat.of().formatHex(mac.doFinal(message)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] base64(String s) {
    try {
      return GoBase64.decodeStd(s);
    } catch (GoBase64.CorruptInput e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  private static boolean startsWith(byte[] data, String prefix) {
    byte[] p = utf8(prefix);
    if (data.length < p.length) return false;
    for (int i = 0; i < p.length; i++) if (data[i] != p[i]) return false;
    return true;
  }

  // ---- certificates ---------------------------------------------------------------------------

  /** OPA's getX509CertsFromString: PEM, base64 of PEM, or base64 of DER. */
  private static List<ParsedCertificate> certificates(String input) {
    byte[] der;
    if (input.startsWith("-----BEGIN")) {
      der = pemCertificates(utf8(input));
    } else {
      byte[] decoded = base64(input);
      der = startsWith(decoded, "-----BEGIN") ? pemCertificates(decoded) : decoded;
    }
    try {
      return X509Json.parseCertificates(der);
    } catch (X509Json.ParseException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  private static byte[] pemCertificates(byte[] pem) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] rest = pem;
    while (rest.length > 0) {
      Pem.Block block = Pem.decode(rest);
      if (block == null) break;
      if (!block.type().equals("CERTIFICATE")) {
        throw BuiltinException.error("PEM block type is '" + block.type() + "', expected CERTIFICATE");
      }
      out.writeBytes(block.bytes());
      rest = block.rest();
    }
    return out.toByteArray();
  }

  private static ArrayValue unverified() { return ArrayValue.of(BooleanValue.of(false), ArrayValue.EMPTY); }

  private record VerifyOptions(String dnsName, Long currentTimeNanos, List<Integer> keyUsages) {
    static final VerifyOptions DEFAULT = new VerifyOptions("", null, List.of());
  }

  private static final Map<String, Integer> KEY_USAGES = Map.ofEntries(
      Map.entry("KeyUsageAny", 0), Map.entry("KeyUsageServerAuth", 1), Map.entry("KeyUsageClientAuth", 2),
      Map.entry("KeyUsageCodeSigning", 3), Map.entry("KeyUsageEmailProtection", 4),
      Map.entry("KeyUsageIPSECEndSystem", 5), Map.entry("KeyUsageIPSECTunnel", 6),
      Map.entry("KeyUsageIPSECUser", 7), Map.entry("KeyUsageTimeStamping", 8),
      Map.entry("KeyUsageOCSPSigning", 9), Map.entry("KeyUsageMicrosoftServerGatedCrypto", 10),
      Map.entry("KeyUsageNetscapeServerGatedCrypto", 11), Map.entry("KeyUsageMicrosoftCommercialCodeSigning", 12),
      Map.entry("KeyUsageMicrosoftKernelCodeSigning", 13));

  /** OPA's extractVerifyOpts. */
  private static VerifyOptions verifyOptions(ObjectValue options) {
    String dns = "";
    Long time = null;
    List<Integer> usages = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      if (!(options.keyAt(i) instanceof StringValue k)) continue;
      Value v = options.valueAt(i);
      switch (k.value()) {
        case "DNSName" -> {
          if (!(v instanceof StringValue s)) throw BuiltinException.error("'DNSName' should be a string");
          dns = s.value();
        }
        case "CurrentTime" -> {
          if (!(v instanceof NumberValue n)) throw BuiltinException.error("'CurrentTime' should be a number");
          java.math.BigInteger b = n.toBigInteger();
          if (b == null || b.bitLength() > 63) throw BuiltinException.error("'CurrentTime' should be a valid int64 number");
          time = b.longValue();
        }
        case "MaxConstraintComparisons" -> {
          if (!(v instanceof NumberValue n)) throw BuiltinException.error("'MaxConstraintComparisons' should be a number");
          if (n.intValueExact() == null) throw BuiltinException.error("'MaxConstraintComparisons' should be a valid number");
        }
        case "KeyUsages" -> {
          List<Value> items;
          if (v instanceof ArrayValue a) items = a.asList();
          else if (v instanceof SetValue s) items = s.elements();
          else throw BuiltinException.error("'KeyUsages' should be an Array or Set");
          List<String> invalid = new ArrayList<>();
          for (Value item : items) {
            if (!(item instanceof StringValue s)) continue;
            Integer usage = KEY_USAGES.get(s.value());
            if (usage != null) usages.add(usage);
            else invalid.add(s.value());
          }
          if (!invalid.isEmpty()) {
            throw BuiltinException.error("invalid entries for 'KeyUsages' found: [" + String.join(" ", invalid) + "]");
          }
        }
        default -> throw BuiltinException.error("invalid key option");
      }
    }
    return new VerifyOptions(dns, time, usages);
  }

  private static List<ParsedCertificate> certificatesOrNull(String input) {
    try {
      return certificates(input);
    } catch (BuiltinException e) {
      return null;
    }
  }

  private static Value verify(List<ParsedCertificate> certs, VerifyOptions options, boolean withUriStrings) {
    if (certs.size() < 2) return unverified();
    List<ParsedCertificate> chain = verifyChain(certs, options);
    if (chain == null) return unverified();
    List<Value> out = new ArrayList<>();
    for (ParsedCertificate c : chain) out.add(c.toValue(withUriStrings));
    return ArrayValue.of(BooleanValue.of(true), ArrayValue.of(out));
  }

  /**
   * crypto/x509 Verify with the first certificate as the only root, the last as the leaf and the
   * others as intermediates; returns the first chain found (leaf first), or null.
   */
  private static List<ParsedCertificate> verifyChain(List<ParsedCertificate> certs, VerifyOptions options) {
    ParsedCertificate root = certs.get(0);
    ParsedCertificate leaf = certs.get(certs.size() - 1);
    List<ParsedCertificate> intermediates = certs.subList(1, certs.size() - 1);
    Instant now = options.currentTimeNanos() == null ? Instant.now()
        : Instant.ofEpochSecond(0, options.currentTimeNanos());
    if (!options.dnsName().isEmpty() && !hostnameMatches(leaf, options.dnsName())) return null;
    if (!valid(leaf, List.of(), now, false)) return null;
    List<Integer> usages = options.keyUsages().isEmpty() ? List.of(1) : options.keyUsages();
    List<ParsedCertificate> chain = new ArrayList<>();
    chain.add(leaf);
    return build(chain, root, intermediates, now, usages, 0);
  }

  private static List<ParsedCertificate> build(List<ParsedCertificate> chain, ParsedCertificate root,
      List<ParsedCertificate> intermediates, Instant now, List<Integer> usages, int depth) {
    ParsedCertificate current = chain.get(chain.size() - 1);
    if (depth > 20) return null;
    if (java.util.Arrays.equals(current.fields().rawIssuer, root.fields().rawSubject)
        && signedBy(current, root) && valid(root, chain, now, true)) {
      List<ParsedCertificate> done = new ArrayList<>(chain);
      done.add(root);
      if (usagesAllowed(done, usages)) return done;
    }
    for (ParsedCertificate candidate : intermediates) {
      if (chain.contains(candidate)) continue;
      if (!java.util.Arrays.equals(current.fields().rawIssuer, candidate.fields().rawSubject)) continue;
      if (!signedBy(current, candidate) || !valid(candidate, chain, now, false)) continue;
      X509Json.Fields f = candidate.fields();
      if (!f.basicConstraintsValid || !f.isCA) continue;
      chain.add(candidate);
      List<ParsedCertificate> found = build(chain, root, intermediates, now, usages, depth + 1);
      chain.remove(chain.size() - 1);
      if (found != null) return found;
    }
    return null;
  }

  /** Certificate.isValid: critical extensions understood, validity period, path length. */
  private static boolean valid(ParsedCertificate c, List<ParsedCertificate> chain, Instant now, boolean isRoot) {
    X509Json.Fields f = c.fields();
    if (!f.unhandledCritical.isEmpty()) return false;
    if (now.isBefore(c.jca().getNotBefore().toInstant()) || now.isAfter(c.jca().getNotAfter().toInstant())) return false;
    if (!chain.isEmpty() && f.basicConstraintsValid && f.maxPathLen >= 0 && chain.size() - 1 > f.maxPathLen) return false;
    return true;
  }

  /** checkSignatureFrom: the parent must be allowed to sign, and the algorithm must not be MD5/SHA-1. */
  private static boolean signedBy(ParsedCertificate child, ParsedCertificate parent) {
    X509Json.Fields p = parent.fields();
    if ((parent.jca().getVersion() == 3 && !p.basicConstraintsValid) || (p.basicConstraintsValid && !p.isCA)) return false;
    if (p.keyUsage != 0 && (p.keyUsage & (1 << 5)) == 0) return false;
    int alg = child.fields().signatureAlgorithm;
    if (alg == 0 || alg == 1 || alg == 2 || alg == 3 || alg == 7 || alg == 9) return false;
    try {
      child.jca().verify(parent.jca().getPublicKey());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** checkChainForKeyUsage: the requested extended key usages must survive every certificate. */
  private static boolean usagesAllowed(List<ParsedCertificate> chain, List<Integer> requested) {
    if (requested.contains(0)) return true;
    List<Integer> remaining = new ArrayList<>(requested);
    for (int i = chain.size() - 1; i >= 0; i--) {
      X509Json.Fields f = chain.get(i).fields();
      if (f.extKeyUsage.isEmpty() && f.unknownExtKeyUsage.isEmpty()) continue;
      if (f.extKeyUsage.contains(0)) continue;
      remaining.removeIf(u -> !f.extKeyUsage.contains(u)
          && !(u == 1 && (f.extKeyUsage.contains(10) || f.extKeyUsage.contains(11))));
      if (remaining.isEmpty()) return false;
    }
    return true;
  }

  private static boolean hostnameMatches(ParsedCertificate leaf, String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    if (h.contains(":") || h.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
      try {
        byte[] want = java.net.InetAddress.getByName(h).getAddress();
        for (byte[] ip : leaf.fields().ipAddresses) if (java.util.Arrays.equals(ip, want)) return true;
        return false;
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    String lower = h.toLowerCase(java.util.Locale.ROOT);
    for (String name : leaf.fields().dnsNames) {
      String n = name.toLowerCase(java.util.Locale.ROOT);
      if (n.endsWith(".")) n = n.substring(0, n.length() - 1);
      if (n.equals(lower)) return true;
      if (n.startsWith("*.") && lower.indexOf('.') > 0 && lower.substring(lower.indexOf('.')).equals(n.substring(1))) {
        return true;
      }
    }
    return false;
  }

  // ---- certificate requests -------------------------------------------------------------------

  private static Value certificateRequest(String input) {
    byte[] bytes = input.startsWith("-----BEGIN CERTIFICATE REQUEST-----") ? utf8(input) : base64(input);
    Pem.Block block = Pem.decode(bytes);
    if (block != null && !block.type().equals("CERTIFICATE REQUEST")) {
      throw BuiltinException.error("invalid PEM-encoded certificate signing request");
    }
    if (block != null) bytes = block.bytes();
    try {
      return X509Json.certificateRequest(bytes);
    } catch (X509Json.ParseException e) {
      throw BuiltinException.error(e.getMessage());
    }
  }

  // ---- private keys ---------------------------------------------------------------------------

  /** OPA's getPrivateKeysFromPEMData: every RSA, PKCS#8 and EC private key block. */
  private static List<Object> privateKeys(String pemData) {
    byte[] bs;
    try {
      bs = GoBase64.decodeStd(pemData);
    } catch (GoBase64.CorruptInput e) {
      bs = utf8(pemData);
    }
    List<Object> keys = new ArrayList<>();
    while (bs.length > 0) {
      Pem.Block block = Pem.decode(bs);
      if (block == null) break;
      bs = block.rest();
      try {
        switch (block.type()) {
          case "RSA PRIVATE KEY" -> keys.add(Keys.pkcs1PrivateKey(block.bytes()));
          case "PRIVATE KEY" -> keys.add(Keys.pkcs8PrivateKey(block.bytes()));
          case "EC PRIVATE KEY" -> keys.add(Keys.ecPrivateKey(block.bytes()));
          default -> { }
        }
      } catch (Keys.KeyException e) {
        throw BuiltinException.error(e.getMessage());
      }
    }
    return keys;
  }

  private static Value privateKeyJwk(String input) {
    if (input.isEmpty()) throw BuiltinException.error("input PEM data was empty");
    String pem = input;
    if (!pem.startsWith("-----BEGIN")) pem = new String(base64(pem), StandardCharsets.UTF_8);
    List<Object> keys = privateKeys(pem);
    if (keys.isEmpty()) return NullValue.INSTANCE;
    Object key = keys.get(0);
    if (key instanceof RSAPrivateCrtKey k) {
      return ObjectValue.ofStrings("kty", StringValue.of("RSA"), "n", b64url(k.getModulus()),
          "e", b64url(k.getPublicExponent()), "d", b64url(k.getPrivateExponent()), "p", b64url(k.getPrimeP()),
          "q", b64url(k.getPrimeQ()), "dp", b64url(k.getPrimeExponentP()), "dq", b64url(k.getPrimeExponentQ()),
          "qi", b64url(k.getCrtCoefficient()));
    }
    if (key instanceof ECPrivateKey k) {
      ObjectValue pub = (ObjectValue) X509Json.privateKey(k);
      int size = (k.getParams().getCurve().getField().getFieldSize() + 7) / 8;
      return ObjectValue.ofStrings("kty", StringValue.of("EC"), "crv", StringValue.of(Keys.curveName(k.getParams())),
          "x", StringValue.of(GoBase64.encodeRawUrl(Keys.fixed(((NumberValue) pub.get("X")).toBigInteger(), size))),
          "y", StringValue.of(GoBase64.encodeRawUrl(Keys.fixed(((NumberValue) pub.get("Y")).toBigInteger(), size))),
          "d", StringValue.of(GoBase64.encodeRawUrl(Keys.fixed(k.getS(), size))));
    }
    throw BuiltinException.error("invalid key type");
  }

  private static Value b64url(java.math.BigInteger v) {
    return StringValue.of(GoBase64.encodeRawUrl(Keys.unsigned(v)));
  }

  // ---- key pairs ------------------------------------------------------------------------------

  private static Value keyPair(String certificate, String key) {
    byte[] certPem = utf8(certificate);
    byte[] keyPem = utf8(key);
    if (!startsWith(certPem, "-----BEGIN ")) certPem = base64(certificate);
    if (!startsWith(keyPem, "-----BEGIN ")) keyPem = base64(key);
    if (!startsWith(certPem, "-----BEGIN ")) certPem = pemEncode("CERTIFICATE", certPem);
    if (!startsWith(keyPem, "-----BEGIN")) keyPem = pemEncode("PRIVATE KEY", keyPem);

    List<byte[]> chain = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (byte[] rest = certPem; ; ) {
      Pem.Block block = Pem.decode(rest);
      if (block == null) break;
      if (block.type().equals("CERTIFICATE")) chain.add(block.bytes());
      else skipped.add(block.type());
      rest = block.rest();
    }
    if (chain.isEmpty()) {
      if (skipped.isEmpty()) throw BuiltinException.error("tls: failed to find any PEM data in certificate input");
      if (skipped.size() == 1 && skipped.get(0).endsWith("PRIVATE KEY")) {
        throw BuiltinException.error("tls: failed to find certificate PEM data in certificate input, but did find a "
            + "private key; PEM inputs may have been switched");
      }
      throw BuiltinException.error("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after "
          + "skipping PEM blocks of the following types: [" + String.join(" ", skipped) + "]");
    }
    skipped.clear();
    Pem.Block keyBlock;
    for (byte[] rest = keyPem; ; ) {
      keyBlock = Pem.decode(rest);
      if (keyBlock == null) {
        if (skipped.isEmpty()) throw BuiltinException.error("tls: failed to find any PEM data in key input");
        if (skipped.size() == 1 && skipped.get(0).equals("CERTIFICATE")) {
          throw BuiltinException.error("tls: found a certificate rather than a key in the PEM for the private key");
        }
        throw BuiltinException.error("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key "
            + "input after skipping PEM blocks of the following types: [" + String.join(" ", skipped) + "]");
      }
      if (keyBlock.type().equals("PRIVATE KEY") || keyBlock.type().endsWith(" PRIVATE KEY")) break;
      skipped.add(keyBlock.type());
      rest = keyBlock.rest();
    }
    ParsedCertificate leaf;
    try {
      leaf = X509Json.parseCertificate(chain.get(0));
    } catch (X509Json.ParseException e) {
      throw BuiltinException.error(e.getMessage());
    }
    Object privateKey = tlsPrivateKey(keyBlock.bytes());
    Object publicKey;
    try {
      publicKey = Keys.publicKeyOf(leaf.jca());
    } catch (Keys.KeyException e) {
      throw BuiltinException.error("tls: unknown public key algorithm");
    }
    checkKeysMatch(publicKey, privateKey);
    List<Value> certs = new ArrayList<>();
    for (byte[] c : chain) certs.add(StringValue.of(GoBase64.encodeStd(c)));
    return ObjectValue.builder()
        .put("Certificate", ArrayValue.of(certs))
        .put("PrivateKey", X509Json.privateKey(privateKey))
        .put("SupportedSignatureAlgorithms", NullValue.INSTANCE)
        .put("OCSPStaple", NullValue.INSTANCE)
        .put("SignedCertificateTimestamps", NullValue.INSTANCE)
        .put("Leaf", leaf.toValue(false))
        .build();
  }

  private static byte[] pemEncode(String type, byte[] der) {
    String body = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return utf8("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }

  private static Object tlsPrivateKey(byte[] der) {
    try {
      return Keys.pkcs1PrivateKey(der);
    } catch (Keys.KeyException e) {
      // not PKCS #1
    }
    try {
      return Keys.pkcs8PrivateKey(der);
    } catch (Keys.KeyException e) {
      // not PKCS #8
    }
    try {
      return Keys.ecPrivateKey(der);
    } catch (Keys.KeyException e) {
      throw BuiltinException.error("tls: failed to parse private key");
    }
  }

  private static void checkKeysMatch(Object pub, Object priv) {
    boolean typeOk;
    boolean match;
    if (pub instanceof RSAPublicKey p) {
      typeOk = priv instanceof RSAPrivateCrtKey;
      match = typeOk && p.getModulus().equals(((RSAPrivateCrtKey) priv).getModulus());
    } else if (pub instanceof ECPublicKey p) {
      typeOk = priv instanceof ECPrivateKey;
      match = typeOk && ((ObjectValue) X509Json.privateKey(priv)).get("X").equals(NumberValue.of(p.getW().getAffineX()))
          && ((ObjectValue) X509Json.privateKey(priv)).get("Y").equals(NumberValue.of(p.getW().getAffineY()));
    } else if (pub instanceof Keys.Ed25519Public p) {
      typeOk = priv instanceof Keys.Ed25519Private;
      match = typeOk && java.util.Arrays.equals(p.x(), ((Keys.Ed25519Private) priv).publicKey().x());
    } else {
      throw BuiltinException.error("tls: unknown public key algorithm");
    }
    if (!typeOk) throw BuiltinException.error("tls: private key type does not match public key type");
    if (!match) throw BuiltinException.error("tls: private key does not match public key");
  }
}
