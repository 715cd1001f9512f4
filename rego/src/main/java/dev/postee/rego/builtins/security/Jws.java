package dev.postee.rego.builtins.security;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;

/**
 * JWS algorithms (RFC 7518 plus EdDSA): verification as OPA does it (RSA-PSS salt length
 * detected, ECDSA signatures as raw R||S halves) and signing as OPA's JWS library does it.
 */
public enum Jws {
  HS256("HmacSHA256", "SHA-256"), HS384("HmacSHA384", "SHA-384"), HS512("HmacSHA512", "SHA-512"),
  RS256("SHA256withRSA", "SHA-256"), RS384("SHA384withRSA", "SHA-384"), RS512("SHA512withRSA", "SHA-512"),
  PS256("RSASSA-PSS", "SHA-256"), PS384("RSASSA-PSS", "SHA-384"), PS512("RSASSA-PSS", "SHA-512"),
  ES256("SHA256withECDSA", "SHA-256"), ES384("SHA384withECDSA", "SHA-384"), ES512("SHA512withECDSA", "SHA-512"),
  EdDSA("Ed25519", null);

  private final String jca;
  private final String digest;

  Jws(String jca, String digest) {
    this.jca = jca;
    this.digest = digest;
  }

  /** The algorithm for a JWS "alg" name, or null. */
  public static Jws of(String name) {
    for (Jws a : values()) if (a.name().equals(name)) return a;
    return null;
  }

  /** An error other than a mismatching signature (e.g. the key does not suit the algorithm). */
  public static final class VerifyException extends Exception {
    public VerifyException(String message) { super(message, null, false, false); }
  }

  private boolean isHmac() { return name().startsWith("HS"); }

  private boolean isRsaPkcs() { return name().startsWith("RS"); }

  private boolean isPss() { return name().startsWith("PS"); }

  private boolean isEcdsa() { return name().startsWith("ES"); }

  public byte[] digest(byte[] data) {
    try {
      return MessageDigest.getInstance(digest).digest(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether {@code signature} is valid for {@code input} under {@code key}. Throws when the key's
   * type does not fit the algorithm ("incorrect public key type" / "incorrect symmetric key type").
   */
  public boolean verify(Object key, byte[] input, byte[] signature) throws VerifyException {
    try {
      if (isHmac()) {
        if (!(key instanceof byte[] secret)) throw new VerifyException("incorrect symmetric key type");
        return MessageDigest.isEqual(signature, hmac(secret, input));
      }
      if (this == EdDSA) {
        if (!(key instanceof Keys.Ed25519Public pub)) throw new VerifyException("incorrect public key type");
        if (pub.x().length != 32 || signature.length != 64) return false;
        Ed25519Signer s = new Ed25519Signer();
        s.init(false, new Ed25519PublicKeyParameters(pub.x(), 0));
        s.update(input, 0, input.length);
        return s.verifySignature(signature);
      }
      if (isEcdsa()) {
        if (!(key instanceof ECPublicKey pub)) throw new VerifyException("incorrect public key type");
        int n = signature.length / 2;
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, n));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, n, signature.length));
        ECDSASigner signer = new ECDSASigner();
        signer.init(false, (ECPublicKeyParameters) ECUtil.generatePublicKeyParameter(pub));
        if (r.signum() == 0 || s.signum() == 0) return false;
        return signer.verifySignature(digest(input), r, s);
      }
      if (!(key instanceof RSAPublicKey pub)) throw new VerifyException("incorrect public key type");
      if (isRsaPkcs()) {
        Signature sig = Signature.getInstance(jca);
        sig.initVerify(pub);
        sig.update(input);
        try {
          return sig.verify(signature);
        } catch (java.security.SignatureException e) {
          return false;
        }
      }
      return verifyPss(pub, digest(input), signature);
    } catch (VerifyException e) {
      throw e;
    } catch (Exception e) {
      return false;
    }
  }

  private byte[] hmac(byte[] secret, byte[] input) throws Exception {
    Mac mac = Mac.getInstance(jca);
    // Go's HMAC accepts an empty key; the JCA does not, and an all-zero block key is equivalent.
    mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, jca));
    return mac.doFinal(input);
  }

  /** RSASSA-PSS verification with the salt length recovered from the signature (Go's PSSSaltLengthAuto). */
  private boolean verifyPss(RSAPublicKey pub, byte[] mHash, byte[] sig) throws Exception {
    BigInteger n = pub.getModulus();
    int k = (n.bitLength() + 7) / 8;
    if (sig.length != k) return false;
    BigInteger s = new BigInteger(1, sig);
    if (s.compareTo(n) >= 0) return false;
    int emBits = n.bitLength() - 1;
    int emLen = (emBits + 7) / 8;
    byte[] em = Keys.fixed(s.modPow(pub.getPublicExponent(), n), k);
    if (emLen < em.length) {
      if (em[0] != 0) return false;
      em = Arrays.copyOfRange(em, 1, em.length);
    }
    int hLen = mHash.length;
    if (emLen < hLen + 2) return false;
    if ((em[emLen - 1] & 0xff) != 0xbc) return false;
    byte[] db = Arrays.copyOfRange(em, 0, emLen - hLen - 1);
    byte[] h = Arrays.copyOfRange(em, emLen - hLen - 1, emLen - 1);
    int topBits = 8 * emLen - emBits;
    int topMask = (0xff >> topBits);
    if ((db[0] & ~topMask & 0xff) != 0) return false;
    byte[] mask = mgf1(h, db.length);
    for (int i = 0; i < db.length; i++) db[i] ^= mask[i];
    db[0] &= (byte) topMask;
    int ps = 0;
    while (ps < db.length && db[ps] == 0) ps++;
    if (ps == db.length || db[ps] != 1) return false;
    byte[] salt = Arrays.copyOfRange(db, ps + 1, db.length);
    MessageDigest md = MessageDigest.getInstance(digest);
    md.update(new byte[8]);
    md.update(mHash);
    md.update(salt);
    return MessageDigest.isEqual(md.digest(), h);
  }

  private byte[] mgf1(byte[] seed, int len) throws Exception {
    byte[] out = new byte[len];
    MessageDigest md = MessageDigest.getInstance(digest);
    int done = 0;
    for (int counter = 0; done < len; counter++) {
      md.update(seed);
      md.update(new byte[] {(byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter});
      byte[] block = md.digest();
      int n = Math.min(block.length, len - done);
      System.arraycopy(block, 0, out, done, n);
      done += n;
    }
    return out;
  }

  /** Signs {@code input} with a private key (or a secret for HMAC); ECDSA signatures are R||S. */
  public byte[] sign(Object key, byte[] input) throws VerifyException {
    try {
      if (isHmac()) {
        if (!(key instanceof byte[] secret)) throw new VerifyException("invalid key type for HMAC signing");
        return hmac(secret, input);
      }
      if (this == EdDSA) {
        if (!(key instanceof Keys.Ed25519Private priv)) throw new VerifyException("invalid key type for EdDSA signing");
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, new Ed25519PrivateKeyParameters(priv.seed(), 0));
        s.update(input, 0, input.length);
        return s.generateSignature();
      }
      if (isEcdsa()) {
        if (!(key instanceof ECPrivateKey priv)) throw new VerifyException("invalid key type for ECDSA signing");
        Signature sig = Signature.getInstance(jca);
        sig.initSign(priv);
        sig.update(input);
        int size = (priv.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        org.bouncycastle.asn1.ASN1Sequence seq = org.bouncycastle.asn1.ASN1Sequence.getInstance(sig.sign());
        BigInteger r = org.bouncycastle.asn1.ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
        BigInteger s = org.bouncycastle.asn1.ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
        byte[] out = new byte[size * 2];
        System.arraycopy(Keys.fixed(r, size), 0, out, 0, size);
        System.arraycopy(Keys.fixed(s, size), 0, out, size, size);
        return out;
      }
      if (!(key instanceof RSAPrivateKey priv)) throw new VerifyException("invalid key type for RSA signing");
      Signature sig = Signature.getInstance(jca);
      if (isPss()) {
        int hLen = MessageDigest.getInstance(digest).getDigestLength();
        sig.setParameter(new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), hLen, 1));
      }
      sig.initSign(priv);
      sig.update(input);
      return sig.sign();
    } catch (VerifyException e) {
      throw e;
    } catch (Exception e) {
      throw new VerifyException("failed to sign payload: " + e.getMessage());
    }
  }
}
