package dev.postee.cluster.nats;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA issuing server and client certificates (EC P-256) as PEM files, as openssl would.
 * Shared with the application's tests through this module's test jar.
 */
public final class TestPki {
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  public final String name;
  public final KeyPair keys;
  public final X509Certificate cert;
  public final Path certFile;

  /** A certificate and its key, as files. */
  public record Issued(Path certFile, Path keyFile) {}

  private TestPki(String name, KeyPair keys, X509Certificate cert, Path certFile) {
    this.name = name;
    this.keys = keys;
    this.cert = cert;
    this.certFile = certFile;
  }

  public static TestPki newCa(Path dir, String name) {
    try {
      KeyPair kp = ecKeys();
      X500Name subject = new X500Name("CN=" + name);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), from(), until(), subject, kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      X509Certificate cert = sign(b, kp);
      Path file = dir.resolve(name + "-ca.pem");
      writePem(file, cert);
      return new TestPki(name, kp, cert, file);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A certificate for {@code cn} valid for TLS servers and clients, naming {@code dnsNames} and
   * {@code ips}; the key is written as SEC1 ("EC PRIVATE KEY") or PKCS#8 ("PRIVATE KEY").
   */
  public Issued issue(Path dir, String cn, List<String> dnsNames, List<String> ips, boolean pkcs8) {
    try {
      KeyPair kp = ecKeys();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      List<GeneralName> names = new ArrayList<>();
      for (String d : dnsNames) names.add(new GeneralName(GeneralName.dNSName, d));
      for (String ip : ips) names.add(new GeneralName(GeneralName.iPAddress, ip));
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert, serial(), from(), until(), new X500Name("CN=" + cn),
          kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      if (!names.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
      }
      X509Certificate leaf = sign(b, keys);
      Path certFile = dir.resolve(cn + ".pem");
      Path keyFile = dir.resolve(cn + "-key.pem");
      writePem(certFile, leaf);
      writePem(keyFile, pkcs8 ? new JcaPKCS8Generator(kp.getPrivate(), null) : kp.getPrivate());
      return new Issued(certFile, keyFile);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    // BouncyCastle's keys carry the curve in their SEC1 encoding, as openssl's do (the JDK's omit it)
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static Date from() {
    return Date.from(Instant.now().minus(1, ChronoUnit.HOURS));
  }

  private static Date until() {
    return Date.from(Instant.now().plus(1, ChronoUnit.DAYS));
  }

  private static void writePem(Path file, Object o) throws IOException {
    try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(o);
    }
  }
}
