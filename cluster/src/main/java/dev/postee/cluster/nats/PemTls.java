package dev.postee.cluster.nats;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Client TLS for the backplane from PEM files, the way {@code nats-server} and openssl write them.
 *
 * <p>The server's certificate is checked against the CA file (or the JVM's trust store when none is
 * given) <em>and</em> against the host name of the URL: jnats leaves host name verification to the
 * {@link SSLContext}, so the context returned here turns it on for every socket it creates.
 */
public final class PemTls {
  private PemTls() {}

  /**
   * An SSL context for a backplane client.
   *
   * @param caFile PEM CA certificate(s) the server's certificate must chain to; null = JVM trust store
   * @param certFile PEM client certificate (chain), presented when the server verifies clients; may be null
   * @param keyFile PEM private key of {@code certFile} (PKCS#8, PKCS#1 or SEC1, unencrypted); with certFile
   */
  public static SSLContext clientContext(Path caFile, Path certFile, Path keyFile) {
    if ((certFile == null) != (keyFile == null)) {
      throw new BackplaneException("a client certificate needs both a certificate file and a key file (got "
          + (certFile != null ? "certificate " + certFile + " without a key" : "key " + keyFile + " without a certificate")
          + ")");
    }
    try {
      TrustManager[] trust = null;
      if (caFile != null) {
        List<X509Certificate> cas = readCertificates(caFile, "CA file");
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (int i = 0; i < cas.size(); i++) ts.setCertificateEntry("ca-" + i, cas.get(i));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        trust = tmf.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (certFile != null) {
        List<X509Certificate> chain = readCertificates(certFile, "certificate file");
        PrivateKey key = readPrivateKey(keyFile);
        char[] password = Long.toHexString(new SecureRandom().nextLong()).toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        keys = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, new SecureRandom());
      return withHostnameVerification(context);
    } catch (GeneralSecurityException | IOException e) {
      throw new BackplaneException("cannot set up TLS from " + describe(caFile, certFile, keyFile) + ": " + e.getMessage(), e);
    }
  }

  private static String describe(Path ca, Path cert, Path key) {
    List<String> parts = new ArrayList<>();
    if (ca != null) parts.add("CA " + ca);
    if (cert != null) parts.add("certificate " + cert);
    if (key != null) parts.add("key " + key);
    return parts.isEmpty() ? "the JVM defaults" : String.join(", ", parts);
  }

  /** All certificates in a PEM file, in order. */
  public static List<X509Certificate> readCertificates(Path file, String what) {
    List<X509Certificate> certs = new ArrayList<>();
    try (Reader r = open(file, what); PEMParser parser = new PEMParser(r)) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder h) certs.add(converter.getCertificate(h));
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new BackplaneException(what + " " + file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new BackplaneException(what + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  /** The first private key in a PEM file. */
  public static PrivateKey readPrivateKey(Path file) {
    try (Reader r = open(file, "key file"); PEMParser parser = new PEMParser(r)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        // the private half alone: a SEC1 key may omit its optional public key, which getKeyPair needs
        if (o instanceof PEMKeyPair kp) return converter.getPrivateKey(kp.getPrivateKeyInfo());
        if (o instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);
        if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new BackplaneException("key file " + file + " is encrypted; give an unencrypted key"
              + " ('openssl pkey -in " + file + " -out key.pem', then chmod 600 key.pem)");
        }
      }
    } catch (IOException e) {
      throw new BackplaneException("key file " + file + " is not a PEM private key: " + e.getMessage(), e);
    }
    throw new BackplaneException("key file " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  private static Reader open(Path file, String what) throws IOException {
    try {
      return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new BackplaneException(what + " " + file + " does not exist");
    }
  }

  /**
   * Wraps {@code context} so that every client socket and engine it creates for a known host checks
   * the server certificate's names (SAN DNS or IP) against that host, as HTTPS does.
   */
  static SSLContext withHostnameVerification(SSLContext context) {
    return new SSLContext(new VerifyingSpi(context), context.getProvider(), context.getProtocol()) {};
  }

  private static final class VerifyingSpi extends SSLContextSpi {
    private final SSLContext delegate;

    VerifyingSpi(SSLContext delegate) {
      this.delegate = delegate;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
      throw new IllegalStateException("already initialised");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new VerifyingSocketFactory(delegate.getSocketFactory());
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return delegate.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return delegate.createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      SSLEngine engine = delegate.createSSLEngine(host, port);
      SSLParameters p = engine.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(p);
      return engine;
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return delegate.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate.getSupportedSSLParameters();
    }
  }

  private static final class VerifyingSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    VerifyingSocketFactory(SSLSocketFactory delegate) {
      this.delegate = delegate;
    }

    private static Socket verifying(Socket socket) {
      if (socket instanceof SSLSocket ssl) {
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
      }
      return socket;
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      return verifying(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return verifying(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return verifying(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return verifying(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return verifying(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }
  }
}
