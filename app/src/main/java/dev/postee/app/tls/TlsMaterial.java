package dev.postee.app.tls;

import dev.postee.cluster.nats.BackplaneException;
import dev.postee.cluster.nats.PemTls;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The HTTPS listener's key and certificate chain: the PEM files named by AQUAALERT_CERT_PEM and
 * AQUAALERT_KEY_PEM (PKCS#1, PKCS#8 and SEC1 keys, as Go's tls package reads them; read by {@link
 * PemTls}, as the backplane's), or a
 * self-signed certificate generated once and kept under the data directory so that clients which
 * trust it keep working across restarts.
 */
public final class TlsMaterial {
  /** Where the self-signed certificate lives, relative to the data directory. */
  public static final String SELF_SIGNED_DIR = "tls";
  public static final String SELF_SIGNED_CERT = "self-signed-cert.pem";
  public static final String SELF_SIGNED_KEY = "self-signed-key.pem";
  static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(825);
  /** A kept certificate closer than this to its expiry is replaced at start. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final String ALIAS = "postee";

  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final Path certFile;
  private final boolean selfSigned;

  private TlsMaterial(PrivateKey key, List<X509Certificate> chain, Path certFile, boolean selfSigned) {
    this.key = key;
    this.chain = List.copyOf(chain);
    this.certFile = certFile;
    this.selfSigned = selfSigned;
  }

  /** Thrown when the files cannot be used; the message names the file and says what to do. */
  public static final class TlsException extends Exception {
    public TlsException(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads a certificate chain and its key from PEM files (with the backplane's PEM reader). */
  public static TlsMaterial fromPem(Path certPem, Path keyPem) throws TlsException {
    List<X509Certificate> chain;
    PrivateKey key;
    try {
      chain = PemTls.readCertificates(certPem, "certificate file");
      key = PemTls.readPrivateKey(keyPem);
    } catch (BackplaneException e) {
      throw new TlsException(e.getMessage());
    }
    if (!matches(key, chain.get(0))) {
      throw new TlsException(keyPem + " is not the key of the certificate in " + certPem + "; give the matching pair");
    }
    return new TlsMaterial(key, chain, certPem, false);
  }

  /**
   * The self-signed certificate under {@code dataDir}/tls, created (or replaced when it is about to
   * expire or unreadable) as needed. Its names are localhost, 127.0.0.1, ::1 and this host's name.
   */
  public static TlsMaterial selfSigned(Path dataDir, Clock clock) throws TlsException {
    Path dir = dataDir.resolve(SELF_SIGNED_DIR);
    Path certFile = dir.resolve(SELF_SIGNED_CERT);
    Path keyFile = dir.resolve(SELF_SIGNED_KEY);
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      try {
        TlsMaterial kept = fromPem(certFile, keyFile);
        Instant notAfter = kept.chain.get(0).getNotAfter().toInstant();
        if (notAfter.isAfter(clock.instant().plus(RENEW_BEFORE))) return new TlsMaterial(kept.key, kept.chain, certFile, true);
      } catch (TlsException e) {
        // replaced below: the files are ours, not the operator's
      }
    }
    try {
      Files.createDirectories(dir);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
      kpg.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = kpg.generateKeyPair();
      X509Certificate cert = generate(pair, clock.instant());
      writeAtomically(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
      writeAtomically(certFile, pem("CERTIFICATE", cert.getEncoded()), false);
      return new TlsMaterial(pair.getPrivate(), List.of(cert), certFile, true);
    } catch (IOException e) {
      throw new TlsException("cannot write the self-signed certificate under " + dir + ": " + e.getMessage());
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("generating a self-signed certificate failed", e);
    }
  }

  /** A key store holding the key and chain, protected by {@code password}. */
  public KeyStore keyStore(char[] password) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(ALIAS, key, password, chain.toArray(X509Certificate[]::new));
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the HTTPS key store", e);
    }
  }

  public X509Certificate certificate() { return chain.get(0); }

  public List<X509Certificate> chain() { return chain; }

  /** The PEM file of the certificate (the generated one for a self-signed certificate). */
  public Path certificateFile() { return certFile; }

  public boolean isSelfSigned() { return selfSigned; }

  /** SHA-256 fingerprint of the certificate, as clients show it (AB:CD:...). */
  public String fingerprint() {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate generate(KeyPair pair, Instant now) throws GeneralSecurityException, OperatorCreationException,
      IOException {
    X500Name subject = new X500Name("CN=postee (self-signed)");
    Set<GeneralName> names = new LinkedHashSet<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.iPAddress, "::1"));
    try {
      String host = InetAddress.getLocalHost().getHostName();
      if (host != null && !host.isBlank() && !host.equals("localhost") && host.matches("[A-Za-z0-9.-]+")) {
        names.add(new GeneralName(GeneralName.dNSName, host));
      }
    } catch (IOException e) {
      // no host name: localhost and the loopback addresses still work
    }
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, new SecureRandom()),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(SELF_SIGNED_VALIDITY)), subject, pair.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, new DERSequence(names.toArray(GeneralName[]::new)));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (alg == null) return true; // cannot check; the TLS handshake will tell
    try {
      byte[] probe = "postee key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void writeAtomically(Path file, String content, boolean secret) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      }
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
