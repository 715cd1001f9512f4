package dev.postee.app.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postee.app.server.PosteeServer;
import dev.postee.app.server.TestSettings;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS listener: a self-signed certificate kept across restarts, or the operator's PEM files. */
class TlsTest {
  @TempDir Path dir;
  PosteeServer server;

  @AfterEach
  void tearDown() {
    if (server != null) server.close();
  }

  private Path config() throws Exception {
    Path cfg = dir.resolve("cfg.yaml");
    Files.writeString(cfg, "routes:\n- name: r\n  actions: [out]\nactions:\n- name: out\n  type: stdout\n  enable: true\n");
    return cfg;
  }

  private PosteeServer start(Path certPem, Path keyPem) throws Exception {
    TestSettings s = new TestSettings(dir, config());
    s.certPem = certPem;
    s.keyPem = keyPem;
    server = PosteeServer.start(s.build(), Map.of());
    return server;
  }

  /** A client that trusts exactly the certificate in {@code pem} (and verifies host names). */
  static HttpClient trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (var in = Files.newInputStream(pem)) {
      int i = 0;
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) trust.setCertificateEntry("c" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSelfSignedCertificateIsGeneratedUnderTheDataDirectoryAndServesHttps() throws Exception {
    start(null, null);
    Path cert = dir.resolve("data/tls/self-signed-cert.pem");
    assertThat(cert).exists();
    assertThat(Files.getPosixFilePermissions(dir.resolve("data/tls/self-signed-key.pem")))
        .extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    HttpClient client = trusting(cert);
    for (String host : new String[] {"127.0.0.1", "localhost"}) {
      HttpResponse<String> r = get(client, "https://" + host + ":" + server.httpsPort() + "/healthz");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"status\":\"up\"}");
    }
    assertThat(get(client, "https://127.0.0.1:" + server.httpsPort() + "/ping").body()).isEqualTo("\"Postee alive!\"");
  }

  @Test
  void theSelfSignedCertificateIsKeptAcrossRestarts() throws Exception {
    start(null, null);
    String first = server.tls().fingerprint();
    server.close();
    start(null, null);
    assertThat(server.tls().fingerprint()).isEqualTo(first);
    assertThat(get(trusting(dir.resolve("data/tls/self-signed-cert.pem")), "https://127.0.0.1:" + server.httpsPort() + "/healthz")
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aSelfSignedCertificateCloseToExpiryIsReplaced() throws Exception {
    Path data = dir.resolve("data");
    TlsMaterial old = TlsMaterial.selfSigned(data, Clock.fixed(Instant.now().minus(Duration.ofDays(820)), java.time.ZoneOffset.UTC));
    TlsMaterial now = TlsMaterial.selfSigned(data, Clock.systemUTC());
    assertThat(now.fingerprint()).isNotEqualTo(old.fingerprint());
    assertThat(TlsMaterial.selfSigned(data, Clock.systemUTC()).fingerprint()).isEqualTo(now.fingerprint());
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
    start(null, null);
    assertThatThrownBy(() -> get(HttpClient.newHttpClient(), "https://127.0.0.1:" + server.httpsPort() + "/healthz"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void theOperatorsPemFilesAreUsedWithAnRsaPkcs1Key() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
    kpg.initialize(2048);
    KeyPair pair = kpg.generateKeyPair();
    X509Certificate cert = certificate(pair, "SHA256withRSA");
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem(cert));
    Files.writeString(keyPem, pem(pair)); // JcaPEMWriter writes a KeyPair as PKCS#1 "RSA PRIVATE KEY"
    assertThat(Files.readString(keyPem)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    start(certPem, keyPem);
    assertThat(server.tls().isSelfSigned()).isFalse();
    assertThat(server.tls().certificate()).isEqualTo(cert);
    assertThat(get(trusting(certPem), "https://localhost:" + server.httpsPort() + "/healthz").statusCode()).isEqualTo(200);
    assertThat(dir.resolve("data/tls")).doesNotExist();
  }

  @Test
  void anEcSec1KeyIsReadToo() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(256);
    KeyPair pair = kpg.generateKeyPair();
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem(certificate(pair, "SHA256withECDSA")));
    Files.writeString(keyPem, sec1(pair));
    assertThat(TlsMaterial.fromPem(certPem, keyPem).certificate().getPublicKey()).isEqualTo(pair.getPublic());
  }

  @Test
  void anEcSec1KeyWithoutItsOptionalPublicKeyIsReadToo() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(256);
    KeyPair pair = kpg.generateKeyPair();
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem(certificate(pair, "SHA256withECDSA")));
    Files.writeString(keyPem, TlsMaterial.pem("EC PRIVATE KEY",
        new ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters()).getEncoded()));
    assertThat(TlsMaterial.fromPem(certPem, keyPem).certificate().getPublicKey()).isEqualTo(pair.getPublic());
  }

  @Test
  void unusablePemFilesAreClearStartErrors() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(256);
    KeyPair a = kpg.generateKeyPair();
    KeyPair b = kpg.generateKeyPair();
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem(certificate(a, "SHA256withECDSA")));
    Files.writeString(keyPem, sec1(b));
    assertThatThrownBy(() -> start(certPem, keyPem)).isInstanceOf(PosteeServer.StartException.class)
        .hasMessage("HTTPS certificate (AQUAALERT_CERT_PEM, AQUAALERT_KEY_PEM): " + keyPem + " is not the key of the certificate in "
            + certPem + "; give the matching pair")
        .satisfies(e -> assertThat(((PosteeServer.StartException) e).isConfiguration()).isFalse());

    assertThatThrownBy(() -> TlsMaterial.fromPem(dir.resolve("absent.pem"), keyPem))
        .hasMessage("certificate file " + dir.resolve("absent.pem") + " does not exist");
    Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
    assertThatThrownBy(() -> TlsMaterial.fromPem(dir.resolve("empty.pem"), keyPem))
        .hasMessageContaining("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    assertThatThrownBy(() -> TlsMaterial.fromPem(certPem, certPem))
        .hasMessageContaining("holds no PEM private key");
  }

  private static X509Certificate certificate(KeyPair pair, String signature) throws Exception {
    X500Name name = new X500Name("CN=operator");
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.TWO,
        Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(2))), name, pair.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(signature).build(pair.getPrivate())));
  }

  /** An EC key as openssl writes it: SEC1 "EC PRIVATE KEY" with the curve and the public key. */
  private static String sec1(KeyPair pair) throws Exception {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    DERBitString publicKey = new DERBitString(SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getBytes());
    ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), publicKey, info.getPrivateKeyAlgorithm().getParameters());
    return TlsMaterial.pem("EC PRIVATE KEY", sec1.getEncoded());
  }

  private static String pem(Object o) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o);
    }
    return w.toString();
  }
}
