package dev.postee.rego.builtins.security;

import dev.postee.rego.value.Json;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Key material as OPA's Go code sees it: PKIX public keys, certificates, PKCS#1/PKCS#8/SEC1
 * private keys and JSON Web Keys. Ed25519 keys are kept as raw bytes ({@link Ed25519Public},
 * {@link Ed25519Private}); symmetric JWKs as {@code byte[]}.
 */
public final class Keys {
  private Keys() {}

  /** A key-handling failure with the message OPA reports. */
  public static final class KeyException extends Exception {
    public KeyException(String message) { super(message, null, false, false); }
  }

  public record Ed25519Public(byte[] x) {}

  public record Ed25519Private(byte[] seed) {
    public Ed25519Public publicKey() {
      return new Ed25519Public(new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(seed, 0)
          .generatePublicKey().getEncoded());
    }
  }

  /** A key from a JWK: the material plus the JWK's "kty", "alg" and "kid". */
  public record Jwk(String kty, String alg, String kid, Object key) {}

  // ---- DER structures -------------------------------------------------------------------------

  public static X509Certificate certificate(byte[] der) throws KeyException {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (Exception e) {
      throw new KeyException("x509: malformed certificate");
    }
  }

  /** The certificate's public key as OPA sees it (Ed25519 as raw bytes). */
  public static Object publicKeyOf(X509Certificate cert) throws KeyException {
    return normalizePublic(cert.getPublicKey());
  }

  /** x509.ParsePKIXPublicKey. */
  public static Object pkixPublicKey(byte[] der) throws KeyException {
    try {
      SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
      ASN1ObjectIdentifier alg = info.getAlgorithm().getAlgorithm();
      if (alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
        return new Ed25519Public(info.getPublicKeyData().getBytes());
      }
      String name = alg.equals(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption) ? "RSA"
          : alg.equals(org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey) ? "EC" : null;
      if (name == null) throw new KeyException("x509: unknown public key algorithm");
      return KeyFactory.getInstance(name).generatePublic(new X509EncodedKeySpec(der));
    } catch (KeyException e) {
      throw e;
    } catch (Exception e) {
      throw new KeyException("asn1: structure error: " + e.getMessage());
    }
  }

  private static Object normalizePublic(PublicKey key) throws KeyException {
    if (key instanceof RSAPublicKey || key instanceof ECPublicKey) return key;
    if ("Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm())) {
      SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
      return new Ed25519Public(info.getPublicKeyData().getBytes());
    }
    throw new KeyException("x509: unsupported public key type");
  }

  /** x509.ParsePKCS1PrivateKey. */
  public static RSAPrivateCrtKey pkcs1PrivateKey(byte[] der) throws KeyException {
    try {
      org.bouncycastle.asn1.pkcs.RSAPrivateKey k =
          org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
      return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
          k.getModulus(), k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(), k.getPrime2(),
          k.getExponent1(), k.getExponent2(), k.getCoefficient()));
    } catch (Exception e) {
      throw new KeyException("x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)");
    }
  }

  /** x509.ParsePKCS8PrivateKey: RSA, EC or Ed25519. */
  public static Object pkcs8PrivateKey(byte[] der) throws KeyException {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
      ASN1ObjectIdentifier alg = info.getPrivateKeyAlgorithm().getAlgorithm();
      if (alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
        byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        return new Ed25519Private(seed);
      }
      if (alg.equals(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption)) {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
      }
      if (alg.equals(org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey)) {
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      }
      throw new KeyException("x509: PKCS#8 wrapping contained private key with unknown algorithm: " + alg.getId());
    } catch (KeyException e) {
      throw e;
    } catch (Exception e) {
      throw new KeyException("x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)");
    }
  }

  /** x509.ParseECPrivateKey (SEC 1). */
  public static ECPrivateKey ecPrivateKey(byte[] der) throws KeyException {
    try {
      org.bouncycastle.asn1.sec.ECPrivateKey k =
          org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
      ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(k.getParametersObject());
      String name = switch (curve.getId()) {
        case "1.2.840.10045.3.1.7" -> "secp256r1";
        case "1.3.132.0.34" -> "secp384r1";
        case "1.3.132.0.35" -> "secp521r1";
        case "1.3.132.0.33" -> "secp224r1";
        default -> throw new KeyException("x509: unknown elliptic curve");
      };
      return (ECPrivateKey) KeyFactory.getInstance("EC")
          .generatePrivate(new ECPrivateKeySpec(k.getKey(), curveParams(name)));
    } catch (KeyException e) {
      throw e;
    } catch (Exception e) {
      throw new KeyException("x509: failed to parse EC private key: " + e.getMessage());
    }
  }

  static ECParameterSpec curveParams(String name) throws Exception {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec(name));
    return params.getParameterSpec(ECParameterSpec.class);
  }

  /** The JWK "crv" name of an EC key, from its field size. */
  public static String curveName(java.security.spec.ECParameterSpec spec) {
    int bits = spec.getCurve().getField().getFieldSize();
    return switch (bits) {
      case 256 -> "P-256";
      case 384 -> "P-384";
      case 521 -> "P-521";
      case 224 -> "P-224";
      default -> "P-" + bits;
    };
  }

  // ---- JSON Web Keys --------------------------------------------------------------------------

  /** Parses a JWK or a JWK set ({"keys": [...]}). */
  public static List<Jwk> parseJwks(String text) throws KeyException {
    Value v;
    try {
      v = Json.parse(text);
    } catch (RuntimeException e) {
      throw new KeyException("failed to unmarshal JSON into key hint: " + e.getMessage());
    }
    if (!(v instanceof ObjectValue o)) throw new KeyException("failed to unmarshal JSON into key hint");
    List<Jwk> out = new ArrayList<>();
    Value keys = o.get("keys");
    if (keys != null) {
      if (!(keys instanceof dev.postee.rego.value.ArrayValue arr)) throw new KeyException("invalid key set: keys must be an array");
      for (Value k : arr.asList()) {
        if (!(k instanceof ObjectValue ko)) throw new KeyException("invalid key: not an object");
        out.add(parseJwk(ko));
      }
      return out;
    }
    out.add(parseJwk(o));
    return out;
  }

  private static String str(ObjectValue o, String name) {
    return o.get(name) instanceof StringValue s ? s.value() : "";
  }

  private static byte[] b64(ObjectValue o, String name, boolean required) throws KeyException {
    String s = str(o, name);
    if (s.isEmpty()) {
      if (required) throw new KeyException("required field " + name + " is missing");
      return null;
    }
    String t = s.replace('+', '-').replace('/', '_');
    while (t.endsWith("=")) t = t.substring(0, t.length() - 1);
    try {
      return java.util.Base64.getUrlDecoder().decode(t);
    } catch (IllegalArgumentException e) {
      throw new KeyException("failed to decode field " + name + ": " + e.getMessage());
    }
  }

  private static BigInteger big(ObjectValue o, String name, boolean required) throws KeyException {
    byte[] b = b64(o, name, required);
    return b == null ? null : new BigInteger(1, b);
  }

  public static Jwk parseJwk(ObjectValue o) throws KeyException {
    String kty = str(o, "kty");
    String alg = str(o, "alg");
    String kid = str(o, "kid");
    try {
      Object key = switch (kty) {
        case "RSA" -> {
          BigInteger n = big(o, "n", true);
          BigInteger e = big(o, "e", true);
          BigInteger d = big(o, "d", false);
          if (d == null) {
            yield KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
          }
          BigInteger p = big(o, "p", false);
          BigInteger q = big(o, "q", false);
          if (p == null || q == null) {
            yield KeyFactory.getInstance("RSA").generatePrivate(new java.security.spec.RSAPrivateKeySpec(n, d));
          }
          BigInteger dp = big(o, "dp", false);
          BigInteger dq = big(o, "dq", false);
          BigInteger qi = big(o, "qi", false);
          if (dp == null) dp = d.mod(p.subtract(BigInteger.ONE));
          if (dq == null) dq = d.mod(q.subtract(BigInteger.ONE));
          if (qi == null) qi = q.modInverse(p);
          yield KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qi));
        }
        case "EC" -> {
          String crv = str(o, "crv");
          String name = switch (crv) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default -> throw new KeyException("invalid curve algorithm: " + crv);
          };
          ECParameterSpec spec = curveParams(name);
          BigInteger d = big(o, "d", false);
          if (d != null) {
            yield KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, spec));
          }
          ECPoint point = new ECPoint(big(o, "x", true), big(o, "y", true));
          yield KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
        }
        case "OKP" -> {
          String crv = str(o, "crv");
          if (!crv.equals("Ed25519")) throw new KeyException("unsupported curve for OKP key: " + crv);
          byte[] d = b64(o, "d", false);
          if (d != null) yield new Ed25519Private(d);
          yield new Ed25519Public(b64(o, "x", true));
        }
        case "oct" -> b64(o, "k", true);
        case "" -> throw new KeyException("invalid key type from JSON ()");
        default -> throw new KeyException("invalid key type from JSON (" + kty + ")");
      };
      return new Jwk(kty, alg, kid, key);
    } catch (KeyException e) {
      throw e;
    } catch (Exception e) {
      throw new KeyException("failed to parse key: " + e.getMessage());
    }
  }

  /** The JWK "kty" a key material corresponds to. */
  public static String keyType(Object key) {
    if (key instanceof RSAPublicKey || key instanceof java.security.interfaces.RSAPrivateKey) return "RSA";
    if (key instanceof ECPublicKey || key instanceof ECPrivateKey) return "EC";
    if (key instanceof Ed25519Public || key instanceof Ed25519Private) return "OKP";
    if (key instanceof byte[]) return "oct";
    return "";
  }

  /** Big-endian unsigned bytes, left-padded to {@code size}. */
  public static byte[] fixed(BigInteger v, int size) {
    byte[] b = v.toByteArray();
    if (b.length == size) return b;
    if (b.length > size) return Arrays.copyOfRange(b, b.length - size, b.length);
    byte[] out = new byte[size];
    System.arraycopy(b, 0, out, size - b.length, b.length);
    return out;
  }

  /** Unsigned big-endian bytes without leading zeros (Go's big.Int.Bytes()). */
  public static byte[] unsigned(BigInteger v) {
    byte[] b = v.toByteArray();
    int i = 0;
    while (i < b.length - 1 && b[i] == 0) i++;
    return Arrays.copyOfRange(b, i, b.length);
  }
}
