package dev.postee.rego.builtins.security;

import dev.postee.rego.value.ArrayValue;
import dev.postee.rego.value.BooleanValue;
import dev.postee.rego.value.NullValue;
import dev.postee.rego.value.NumberValue;
import dev.postee.rego.value.ObjectValue;
import dev.postee.rego.value.StringValue;
import dev.postee.rego.value.Value;
import java.math.BigInteger;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;

/**
 * The JSON Go's encoding/json produces for crypto/x509 certificates and certificate requests,
 * and for RSA, ECDSA and Ed25519 private keys, as OPA returns them. Parsing follows crypto/x509:
 * the extensions it understands fill the corresponding fields.
 */
public final class X509Json {
  private X509Json() {}

  /** A parsed certificate: its JSON plus what chain verification needs. */
  public record ParsedCertificate(Certificate cert, java.security.cert.X509Certificate jca, ObjectValue.Builder json,
      Fields fields) {
    public ObjectValue toValue(boolean withUriStrings) {
      ObjectValue.Builder b = ObjectValue.builder();
      ObjectValue base = json.build();
      base.forEach(b::put);
      if (withUriStrings) {
        b.put("URIStrings", fields.uris.isEmpty() ? NullValue.INSTANCE : strings(fields.uris));
      }
      return b.build();
    }
  }

  /** Parsed extension data used when verifying chains. */
  public static final class Fields {
    public boolean basicConstraintsValid;
    public boolean isCA;
    public int maxPathLen;
    public int keyUsage;
    public List<Integer> extKeyUsage = new ArrayList<>();
    public List<String> unknownExtKeyUsage = new ArrayList<>();
    public List<String> dnsNames = new ArrayList<>();
    public List<byte[]> ipAddresses = new ArrayList<>();
    public List<String> uris = new ArrayList<>();
    public List<String> unhandledCritical = new ArrayList<>();
    public byte[] rawSubject;
    public byte[] rawIssuer;
    public int signatureAlgorithm;
  }

  public static final class ParseException extends Exception {
    public ParseException(String message) { super(message, null, false, false); }
  }

  // ---- helpers --------------------------------------------------------------------------------

  static Value b64(byte[] data) { return data == null ? NullValue.INSTANCE : StringValue.of(GoBase64.encodeStd(data)); }

  static Value strings(List<String> l) {
    if (l == null || l.isEmpty()) return NullValue.INSTANCE;
    List<Value> out = new ArrayList<>();
    for (String s : l) out.add(StringValue.of(s));
    return ArrayValue.of(out);
  }

  static Value oid(ASN1ObjectIdentifier oid) {
    List<Value> parts = new ArrayList<>();
    for (String p : oid.getId().split("\\.")) parts.add(NumberValue.of(new BigInteger(p)));
    return ArrayValue.of(parts);
  }

  private static Value oids(List<String> ids) {
    if (ids.isEmpty()) return NullValue.INSTANCE;
    List<Value> out = new ArrayList<>();
    for (String id : ids) out.add(oid(new ASN1ObjectIdentifier(id)));
    return ArrayValue.of(out);
  }

  private static Value big(BigInteger v) { return NumberValue.of(v); }

  private static byte[] der(ASN1Encodable e) {
    try {
      return e.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    } catch (java.io.IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String time(Time t) {
    return t.getDate().toInstant().atOffset(java.time.ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
        .replace("+00:00", "Z");
  }

  // ---- algorithms -----------------------------------------------------------------------------

  static int signatureAlgorithm(AlgorithmIdentifier alg) {
    String id = alg.getAlgorithm().getId();
    return switch (id) {
      case "1.2.840.113549.1.1.2" -> 1;
      case "1.2.840.113549.1.1.4" -> 2;
      case "1.2.840.113549.1.1.5" -> 3;
      case "1.2.840.113549.1.1.11" -> 4;
      case "1.2.840.113549.1.1.12" -> 5;
      case "1.2.840.113549.1.1.13" -> 6;
      case "1.2.840.10040.4.3" -> 7;
      case "2.16.840.1.101.3.4.3.2" -> 8;
      case "1.2.840.10045.4.1" -> 9;
      case "1.2.840.10045.4.3.2" -> 10;
      case "1.2.840.10045.4.3.3" -> 11;
      case "1.2.840.10045.4.3.4" -> 12;
      case "1.3.101.112" -> 16;
      case "1.2.840.113549.1.1.10" -> {
        try {
          RSASSAPSSparams p = RSASSAPSSparams.getInstance(alg.getParameters());
          yield switch (p.getHashAlgorithm().getAlgorithm().getId()) {
            case "2.16.840.1.101.3.4.2.1" -> 13;
            case "2.16.840.1.101.3.4.2.2" -> 14;
            case "2.16.840.1.101.3.4.2.3" -> 15;
            default -> 0;
          };
        } catch (RuntimeException e) {
          yield 0;
        }
      }
      default -> 0;
    };
  }

  static int publicKeyAlgorithm(SubjectPublicKeyInfo spki) {
    return switch (spki.getAlgorithm().getAlgorithm().getId()) {
      case "1.2.840.113549.1.1.1" -> 1;
      case "1.2.840.10040.4.1" -> 2;
      case "1.2.840.10045.2.1" -> 3;
      case "1.3.101.112" -> 4;
      default -> 0;
    };
  }

  /** Go's JSON for a public key: RSA {N,E}, ECDSA {Curve:{},X,Y}, Ed25519 as base64 bytes. */
  public static Value publicKey(SubjectPublicKeyInfo spki) {
    try {
      Object key = Keys.pkixPublicKey(der(spki));
      return publicKey(key);
    } catch (Keys.KeyException e) {
      return NullValue.INSTANCE;
    }
  }

  static Value publicKey(Object key) {
    if (key instanceof RSAPublicKey k) {
      return ObjectValue.ofStrings("N", big(k.getModulus()), "E", big(k.getPublicExponent()));
    }
    if (key instanceof ECPublicKey k) {
      return ObjectValue.ofStrings("Curve", ObjectValue.EMPTY, "X", big(k.getW().getAffineX()), "Y",
          big(k.getW().getAffineY()));
    }
    if (key instanceof Keys.Ed25519Public k) return b64(k.x());
    return NullValue.INSTANCE;
  }

  /** Go's JSON for a private key (rsa.PrivateKey, ecdsa.PrivateKey, ed25519.PrivateKey). */
  public static Value privateKey(Object key) {
    if (key instanceof RSAPrivateCrtKey k) {
      ObjectValue pre = ObjectValue.ofStrings("Dp", big(k.getPrimeExponentP()), "Dq", big(k.getPrimeExponentQ()),
          "Qinv", big(k.getCrtCoefficient()), "CRTValues", ArrayValue.EMPTY);
      return ObjectValue.ofStrings("N", big(k.getModulus()), "E", big(k.getPublicExponent()), "D",
          big(k.getPrivateExponent()), "Primes", ArrayValue.of(big(k.getPrimeP()), big(k.getPrimeQ())),
          "Precomputed", pre);
    }
    if (key instanceof ECPrivateKey k) {
      org.bouncycastle.math.ec.ECPoint q = org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util
          .convertSpec(k.getParams()).getG().multiply(k.getS()).normalize();
      return ObjectValue.ofStrings("Curve", ObjectValue.EMPTY, "X", big(q.getAffineXCoord().toBigInteger()), "Y",
          big(q.getAffineYCoord().toBigInteger()), "D", big(k.getS()));
    }
    if (key instanceof Keys.Ed25519Private k) {
      byte[] full = new byte[64];
      System.arraycopy(k.seed(), 0, full, 0, 32);
      System.arraycopy(k.publicKey().x(), 0, full, 32, 32);
      return b64(full);
    }
    return NullValue.INSTANCE;
  }

  // ---- names ----------------------------------------------------------------------------------

  /** pkix.Name as JSON (FillFromRDNSequence). */
  static ObjectValue name(X500Name name) {
    List<String> country = new ArrayList<>(), org = new ArrayList<>(), ou = new ArrayList<>(),
        locality = new ArrayList<>(), province = new ArrayList<>(), street = new ArrayList<>(),
        postal = new ArrayList<>();
    String serial = "";
    String cn = "";
    List<Value> names = new ArrayList<>();
    for (RDN rdn : name.getRDNs()) {
      for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
        ASN1Encodable v = atv.getValue();
        String value = v instanceof ASN1String s ? s.getString() : null;
        names.add(ObjectValue.ofStrings("Type", oid(atv.getType()), "Value",
            value != null ? StringValue.of(value) : NullValue.INSTANCE));
        if (value == null) continue;
        switch (atv.getType().getId()) {
          case "2.5.4.3" -> cn = value;
          case "2.5.4.5" -> serial = value;
          case "2.5.4.6" -> country.add(value);
          case "2.5.4.7" -> locality.add(value);
          case "2.5.4.8" -> province.add(value);
          case "2.5.4.9" -> street.add(value);
          case "2.5.4.10" -> org.add(value);
          case "2.5.4.11" -> ou.add(value);
          case "2.5.4.17" -> postal.add(value);
          default -> { }
        }
      }
    }
    return ObjectValue.builder()
        .put("Country", strings(country)).put("Organization", strings(org))
        .put("OrganizationalUnit", strings(ou)).put("Locality", strings(locality))
        .put("Province", strings(province)).put("StreetAddress", strings(street))
        .put("PostalCode", strings(postal)).put("SerialNumber", StringValue.of(serial))
        .put("CommonName", StringValue.of(cn))
        .put("Names", names.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(names))
        .put("ExtraNames", NullValue.INSTANCE)
        .build();
  }

  // ---- general names --------------------------------------------------------------------------

  private static String ipText(byte[] ip) {
    try {
      if (ip.length == 4 || ip.length == 16) {
        java.net.InetAddress a = java.net.InetAddress.getByAddress(ip);
        if (a instanceof java.net.Inet4Address) return a.getHostAddress();
        return ipv6(ip);
      }
    } catch (java.net.UnknownHostException e) {
      // fall through to Go's "?" + hex form
    }
    return "?" + java.util.HexFormat.of().formatHex(ip);
  }

  /** IPv6 text as Go prints it (longest zero run compressed, IPv4-mapped shown dotted). */
  private static String ipv6(byte[] ip) {
    boolean mapped = true;
    for (int i = 0; i < 10; i++) if (ip[i] != 0) mapped = false;
    if (mapped && (ip[10] & 0xff) == 0xff && (ip[11] & 0xff) == 0xff) {
      return (ip[12] & 0xff) + "." + (ip[13] & 0xff) + "." + (ip[14] & 0xff) + "." + (ip[15] & 0xff);
    }
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) words[i] = ((ip[2 * i] & 0xff) << 8) | (ip[2 * i + 1] & 0xff);
    int bestStart = -1, bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) j++;
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
      sb.append(Integer.toHexString(words[i]));
    }
    return sb.toString();
  }

  private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

  /** Go's url.URL JSON for a URI SAN. */
  static Value url(String raw) {
    String rest = raw;
    String fragment = "";
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      fragment = rest.substring(hash + 1);
      rest = rest.substring(0, hash);
    }
    String scheme = "";
    int colon = rest.indexOf(':');
    if (colon > 0 && SCHEME.matcher(rest.substring(0, colon)).matches()) {
      scheme = rest.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
      rest = rest.substring(colon + 1);
    }
    String query = "";
    boolean forceQuery = false;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      forceQuery = query.isEmpty();
      rest = rest.substring(0, q);
    }
    String opaque = "";
    String host = "";
    String path = rest;
    boolean hasUser = false;
    if (!scheme.isEmpty() && !rest.startsWith("/")) {
      opaque = rest;
      path = "";
    } else if (rest.startsWith("//")) {
      String authority = rest.substring(2);
      int slash = authority.indexOf('/');
      path = slash >= 0 ? authority.substring(slash) : "";
      authority = slash >= 0 ? authority.substring(0, slash) : authority;
      int at = authority.lastIndexOf('@');
      if (at >= 0) {
        hasUser = true;
        authority = authority.substring(at + 1);
      }
      host = authority;
    }
    return ObjectValue.builder()
        .put("Scheme", StringValue.of(scheme)).put("Opaque", StringValue.of(opaque))
        .put("User", hasUser ? ObjectValue.EMPTY : NullValue.INSTANCE).put("Host", StringValue.of(host))
        .put("Path", StringValue.of(decodePercent(path))).put("RawPath", StringValue.EMPTY)
        .put("OmitHost", BooleanValue.of(false)).put("ForceQuery", BooleanValue.of(forceQuery))
        .put("RawQuery", StringValue.of(query)).put("Fragment", StringValue.of(decodePercent(fragment)))
        .put("RawFragment", StringValue.EMPTY)
        .build();
  }

  private static String decodePercent(String s) {
    if (!s.contains("%")) return s;
    try {
      return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  // ---- certificates ---------------------------------------------------------------------------

  /** Splits concatenated DER certificates and parses each (x509.ParseCertificates). */
  public static List<ParsedCertificate> parseCertificates(byte[] der) throws ParseException {
    List<ParsedCertificate> out = new ArrayList<>();
    int at = 0;
    while (at < der.length) {
      int len = derLength(der, at);
      if (len < 0 || at + len > der.length) throw new ParseException("x509: malformed certificate");
      out.add(parseCertificate(java.util.Arrays.copyOfRange(der, at, at + len)));
      at += len;
    }
    return out;
  }

  /** Total length of the DER element at {@code at} (header included), or -1. */
  static int derLength(byte[] d, int at) {
    if (at + 2 > d.length || d[at] != 0x30) return -1;
    int b = d[at + 1] & 0xff;
    if (b < 0x80) return 2 + b;
    int n = b & 0x7f;
    if (n == 0 || n > 4 || at + 2 + n > d.length) return -1;
    long len = 0;
    for (int i = 0; i < n; i++) len = (len << 8) | (d[at + 2 + i] & 0xff);
    return len > Integer.MAX_VALUE - 6 ? -1 : (int) (2 + n + len);
  }

  public static ParsedCertificate parseCertificate(byte[] der) throws ParseException {
    Certificate cert;
    java.security.cert.X509Certificate jca;
    try {
      cert = Certificate.getInstance(ASN1Primitive.fromByteArray(der));
      jca = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (Exception e) {
      throw new ParseException("x509: malformed certificate");
    }
    Fields f = new Fields();
    f.rawSubject = der(cert.getSubject());
    f.rawIssuer = der(cert.getIssuer());
    f.signatureAlgorithm = signatureAlgorithm(cert.getSignatureAlgorithm());
    ObjectValue.Builder b = ObjectValue.builder();
    b.put("Raw", b64(der));
    b.put("RawTBSCertificate", b64(der(cert.getTBSCertificate())));
    b.put("RawSubjectPublicKeyInfo", b64(der(cert.getSubjectPublicKeyInfo())));
    b.put("RawSubject", b64(f.rawSubject));
    b.put("RawIssuer", b64(f.rawIssuer));
    b.put("Signature", b64(cert.getSignature().getOctets()));
    b.put("SignatureAlgorithm", NumberValue.of(f.signatureAlgorithm));
    b.put("PublicKeyAlgorithm", NumberValue.of(publicKeyAlgorithm(cert.getSubjectPublicKeyInfo())));
    b.put("PublicKey", publicKey(cert.getSubjectPublicKeyInfo()));
    b.put("Version", NumberValue.of(cert.getVersionNumber()));
    b.put("SerialNumber", big(cert.getSerialNumber().getValue()));
    b.put("Issuer", name(cert.getIssuer()));
    b.put("Subject", name(cert.getSubject()));
    b.put("NotBefore", StringValue.of(time(cert.getStartDate())));
    b.put("NotAfter", StringValue.of(time(cert.getEndDate())));
    extensions(cert.getTBSCertificate().getExtensions(), b, f);
    return new ParsedCertificate(cert, jca, b, f);
  }

  private static final String EKU_ANY = "2.5.29.37.0";
  private static final List<String> EKU = List.of(EKU_ANY, "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2",
      "1.3.6.1.5.5.7.3.3", "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.5", "1.3.6.1.5.5.7.3.6", "1.3.6.1.5.5.7.3.7",
      "1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.9", "1.3.6.1.4.1.311.10.3.3", "2.16.840.1.113730.4.1",
      "1.3.6.1.4.1.311.2.1.22", "1.3.6.1.4.1.311.61.1.1");

  private static void extensions(Extensions exts, ObjectValue.Builder b, Fields f) {
    List<Value> extList = new ArrayList<>();
    byte[] subjectKeyId = null;
    byte[] authorityKeyId = null;
    List<String> ocsp = new ArrayList<>(), issuingUrls = new ArrayList<>(), emails = new ArrayList<>(),
        crl = new ArrayList<>(), policies = new ArrayList<>();
    List<String> permittedDns = new ArrayList<>(), excludedDns = new ArrayList<>(), permittedEmail = new ArrayList<>(),
        excludedEmail = new ArrayList<>(), permittedUri = new ArrayList<>(), excludedUri = new ArrayList<>();
    List<Value> permittedIp = new ArrayList<>(), excludedIp = new ArrayList<>(), policyMappings = new ArrayList<>();
    boolean permittedDnsCritical = false;
    int inhibitAnyPolicy = 0, inhibitPolicyMapping = 0, requireExplicitPolicy = 0;
    boolean inhibitAnyPolicyZero = false, inhibitPolicyMappingZero = false, requireExplicitPolicyZero = false;
    f.maxPathLen = 0;
    if (exts != null) {
      for (ASN1ObjectIdentifier id : exts.getExtensionOIDs()) {
        Extension e = exts.getExtension(id);
        extList.add(ObjectValue.ofStrings("Id", oid(id), "Critical", BooleanValue.of(e.isCritical()), "Value",
            b64(e.getExtnValue().getOctets())));
        boolean handled = true;
        try {
          ASN1Primitive v = ASN1Primitive.fromByteArray(e.getExtnValue().getOctets());
          switch (id.getId()) {
            case "2.5.29.15" -> {
              DERBitString bits = (DERBitString) DERBitString.getInstance(v);
              byte[] data = bits.getBytes();
              int usage = 0;
              for (int i = 0; i < 9; i++) {
                int byteIndex = i / 8;
                if (byteIndex < data.length && (data[byteIndex] & (0x80 >> (i % 8))) != 0) usage |= 1 << i;
              }
              f.keyUsage = usage;
            }
            case "2.5.29.19" -> {
              ASN1Sequence seq = ASN1Sequence.getInstance(v);
              f.basicConstraintsValid = true;
              f.maxPathLen = -1;
              for (ASN1Encodable el : seq) {
                if (el instanceof org.bouncycastle.asn1.ASN1Boolean bool) f.isCA = bool.isTrue();
                if (el instanceof ASN1Integer n) f.maxPathLen = n.getValue().intValueExact();
              }
            }
            case "2.5.29.17" -> {
              int before = f.dnsNames.size() + emails.size() + f.ipAddresses.size() + f.uris.size();
              for (GeneralName g : GeneralNames.getInstance(v).getNames()) {
                switch (g.getTagNo()) {
                  case GeneralName.dNSName -> f.dnsNames.add(((ASN1String) g.getName()).getString());
                  case GeneralName.rfc822Name -> emails.add(((ASN1String) g.getName()).getString());
                  case GeneralName.iPAddress -> f.ipAddresses.add(ASN1OctetString.getInstance(g.getName()).getOctets());
                  case GeneralName.uniformResourceIdentifier -> f.uris.add(((ASN1String) g.getName()).getString());
                  default -> { }
                }
              }
              handled = f.dnsNames.size() + emails.size() + f.ipAddresses.size() + f.uris.size() > before;
            }
            case "2.5.29.14" -> subjectKeyId = ASN1OctetString.getInstance(v).getOctets();
            case "2.5.29.35" -> {
              for (ASN1Encodable el : ASN1Sequence.getInstance(v)) {
                if (el instanceof ASN1TaggedObject t && t.getTagNo() == 0) {
                  authorityKeyId = ASN1OctetString.getInstance(t, false).getOctets();
                }
              }
            }
            case "2.5.29.37" -> {
              for (ASN1Encodable el : ASN1Sequence.getInstance(v)) {
                String eku = ASN1ObjectIdentifier.getInstance(el).getId();
                int idx = EKU.indexOf(eku);
                if (idx >= 0) f.extKeyUsage.add(idx);
                else f.unknownExtKeyUsage.add(eku);
              }
            }
            case "2.5.29.31" -> {
              for (ASN1Encodable dp : ASN1Sequence.getInstance(v)) {
                for (ASN1Encodable part : ASN1Sequence.getInstance(dp)) {
                  if (part instanceof ASN1TaggedObject t && t.getTagNo() == 0) {
                    ASN1TaggedObject name = ASN1TaggedObject.getInstance(t.getBaseObject());
                    if (name.getTagNo() == 0) {
                      for (GeneralName g : GeneralNames.getInstance(name, false).getNames()) {
                        if (g.getTagNo() == GeneralName.uniformResourceIdentifier) crl.add(((ASN1String) g.getName()).getString());
                      }
                    }
                  }
                }
              }
            }
            case "2.5.29.32" -> {
              for (ASN1Encodable p : ASN1Sequence.getInstance(v)) {
                policies.add(ASN1ObjectIdentifier.getInstance(ASN1Sequence.getInstance(p).getObjectAt(0)).getId());
              }
            }
            case "2.5.29.30" -> {
              permittedDnsCritical = e.isCritical();
              for (ASN1Encodable part : ASN1Sequence.getInstance(v)) {
                ASN1TaggedObject t = ASN1TaggedObject.getInstance(part);
                boolean permitted = t.getTagNo() == 0;
                for (ASN1Encodable subtree : ASN1Sequence.getInstance(t, false)) {
                  GeneralName g = GeneralName.getInstance(ASN1Sequence.getInstance(subtree).getObjectAt(0));
                  switch (g.getTagNo()) {
                    case GeneralName.dNSName -> (permitted ? permittedDns : excludedDns).add(((ASN1String) g.getName()).getString());
                    case GeneralName.rfc822Name -> (permitted ? permittedEmail : excludedEmail).add(((ASN1String) g.getName()).getString());
                    case GeneralName.uniformResourceIdentifier -> (permitted ? permittedUri : excludedUri).add(((ASN1String) g.getName()).getString());
                    case GeneralName.iPAddress -> {
                      byte[] ipMask = ASN1OctetString.getInstance(g.getName()).getOctets();
                      int half = ipMask.length / 2;
                      (permitted ? permittedIp : excludedIp).add(ObjectValue.ofStrings(
                          "IP", StringValue.of(ipText(java.util.Arrays.copyOf(ipMask, half))),
                          "Mask", b64(java.util.Arrays.copyOfRange(ipMask, half, ipMask.length))));
                    }
                    default -> { }
                  }
                }
              }
            }
            case "1.3.6.1.5.5.7.1.1" -> {
              for (ASN1Encodable ad : ASN1Sequence.getInstance(v)) {
                ASN1Sequence s = ASN1Sequence.getInstance(ad);
                String method = ASN1ObjectIdentifier.getInstance(s.getObjectAt(0)).getId();
                GeneralName g = GeneralName.getInstance(s.getObjectAt(1));
                if (g.getTagNo() != GeneralName.uniformResourceIdentifier) continue;
                String uri = ((ASN1String) g.getName()).getString();
                if (method.equals("1.3.6.1.5.5.7.48.1")) ocsp.add(uri);
                else if (method.equals("1.3.6.1.5.5.7.48.2")) issuingUrls.add(uri);
              }
              handled = !e.isCritical();
            }
            case "2.5.29.54" -> {
              inhibitAnyPolicy = ASN1Integer.getInstance(v).getValue().intValueExact();
              inhibitAnyPolicyZero = inhibitAnyPolicy == 0;
            }
            case "2.5.29.36" -> {
              for (ASN1Encodable el : ASN1Sequence.getInstance(v)) {
                ASN1TaggedObject t = ASN1TaggedObject.getInstance(el);
                int n = ASN1Integer.getInstance(t, false).getValue().intValueExact();
                if (t.getTagNo() == 0) {
                  requireExplicitPolicy = n;
                  requireExplicitPolicyZero = n == 0;
                } else if (t.getTagNo() == 1) {
                  inhibitPolicyMapping = n;
                  inhibitPolicyMappingZero = n == 0;
                }
              }
            }
            case "2.5.29.33" -> {
              for (ASN1Encodable el : ASN1Sequence.getInstance(v)) {
                ASN1Sequence m = ASN1Sequence.getInstance(el);
                policyMappings.add(ObjectValue.ofStrings(
                    "IssuerDomainPolicy", StringValue.of(ASN1ObjectIdentifier.getInstance(m.getObjectAt(0)).getId()),
                    "SubjectDomainPolicy", StringValue.of(ASN1ObjectIdentifier.getInstance(m.getObjectAt(1)).getId())));
              }
            }
            default -> handled = false;
          }
        } catch (Exception ex) {
          handled = false;
        }
        if (e.isCritical() && !handled) f.unhandledCritical.add(id.getId());
      }
    }
    List<Value> ips = new ArrayList<>();
    for (byte[] ip : f.ipAddresses) ips.add(StringValue.of(ipText(ip)));
    List<Value> uriValues = new ArrayList<>();
    for (String u : f.uris) uriValues.add(url(u));
    List<Value> ekus = new ArrayList<>();
    for (int u : f.extKeyUsage) ekus.add(NumberValue.of(u));
    List<Value> policyOids = new ArrayList<>();
    for (String p : policies) policyOids.add(StringValue.of(p));
    b.put("KeyUsage", NumberValue.of(f.keyUsage));
    b.put("Extensions", extList.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(extList));
    b.put("ExtraExtensions", NullValue.INSTANCE);
    b.put("UnhandledCriticalExtensions", oids(f.unhandledCritical));
    b.put("ExtKeyUsage", ekus.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(ekus));
    b.put("UnknownExtKeyUsage", oids(f.unknownExtKeyUsage));
    b.put("BasicConstraintsValid", BooleanValue.of(f.basicConstraintsValid));
    b.put("IsCA", BooleanValue.of(f.isCA));
    b.put("MaxPathLen", NumberValue.of(f.maxPathLen));
    b.put("MaxPathLenZero", BooleanValue.of(f.basicConstraintsValid && f.maxPathLen == 0));
    b.put("SubjectKeyId", b64(subjectKeyId));
    b.put("AuthorityKeyId", b64(authorityKeyId));
    b.put("OCSPServer", strings(ocsp));
    b.put("IssuingCertificateURL", strings(issuingUrls));
    b.put("DNSNames", strings(f.dnsNames));
    b.put("EmailAddresses", strings(emails));
    b.put("IPAddresses", ips.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(ips));
    b.put("URIs", uriValues.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(uriValues));
    b.put("PermittedDNSDomainsCritical", BooleanValue.of(permittedDnsCritical));
    b.put("PermittedDNSDomains", strings(permittedDns));
    b.put("ExcludedDNSDomains", strings(excludedDns));
    b.put("PermittedIPRanges", permittedIp.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(permittedIp));
    b.put("ExcludedIPRanges", excludedIp.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(excludedIp));
    b.put("PermittedEmailAddresses", strings(permittedEmail));
    b.put("ExcludedEmailAddresses", strings(excludedEmail));
    b.put("PermittedURIDomains", strings(permittedUri));
    b.put("ExcludedURIDomains", strings(excludedUri));
    b.put("CRLDistributionPoints", strings(crl));
    b.put("PolicyIdentifiers", oids(policies));
    b.put("Policies", policyOids.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(policyOids));
    b.put("InhibitAnyPolicy", NumberValue.of(inhibitAnyPolicy));
    b.put("InhibitAnyPolicyZero", BooleanValue.of(inhibitAnyPolicyZero));
    b.put("InhibitPolicyMapping", NumberValue.of(inhibitPolicyMapping));
    b.put("InhibitPolicyMappingZero", BooleanValue.of(inhibitPolicyMappingZero));
    b.put("RequireExplicitPolicy", NumberValue.of(requireExplicitPolicy));
    b.put("RequireExplicitPolicyZero", BooleanValue.of(requireExplicitPolicyZero));
    b.put("PolicyMappings", policyMappings.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(policyMappings));
  }

  // ---- certificate requests -------------------------------------------------------------------

  /** x509.ParseCertificateRequest as JSON. */
  public static ObjectValue certificateRequest(byte[] der) throws ParseException {
    CertificationRequest csr;
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(der);
      if (!(p instanceof ASN1Sequence)) throw new ParseException(structureError());
      csr = CertificationRequest.getInstance(p);
    } catch (ParseException e) {
      throw e;
    } catch (Exception e) {
      throw new ParseException(structureError());
    }
    CertificationRequestInfo info = csr.getCertificationRequestInfo();
    ObjectValue.Builder b = ObjectValue.builder();
    b.put("Raw", b64(der));
    b.put("RawTBSCertificateRequest", b64(der(info)));
    b.put("RawSubjectPublicKeyInfo", b64(der(info.getSubjectPublicKeyInfo())));
    b.put("RawSubject", b64(der(info.getSubject())));
    b.put("Version", NumberValue.of(info.getVersion().getValue()));
    b.put("Signature", b64(csr.getSignature().getOctets()));
    b.put("SignatureAlgorithm", NumberValue.of(signatureAlgorithm(csr.getSignatureAlgorithm())));
    b.put("PublicKeyAlgorithm", NumberValue.of(publicKeyAlgorithm(info.getSubjectPublicKeyInfo())));
    b.put("PublicKey", publicKey(info.getSubjectPublicKeyInfo()));
    b.put("Subject", name(info.getSubject()));
    List<Value> attributes = new ArrayList<>();
    Extensions requested = null;
    ASN1Set attrs = info.getAttributes();
    if (attrs != null) {
      for (ASN1Encodable a : attrs) {
        org.bouncycastle.asn1.pkcs.Attribute attr = org.bouncycastle.asn1.pkcs.Attribute.getInstance(a);
        Value values = attributeValues(attr.getAttrValues());
        if (values != null) attributes.add(ObjectValue.ofStrings("Type", oid(attr.getAttrType()), "Value", values));
        if (attr.getAttrType().getId().equals("1.2.840.113549.1.9.14") && attr.getAttrValues().size() > 0) {
          requested = Extensions.getInstance(attr.getAttrValues().getObjectAt(0));
        }
      }
    }
    b.put("Attributes", attributes.isEmpty() ? NullValue.INSTANCE : ArrayValue.of(attributes));
    Fields f = new Fields();
    ObjectValue.Builder ext = ObjectValue.builder();
    extensions(requested, ext, f);
    ObjectValue e = ext.build();
    for (String k : List.of("Extensions", "DNSNames", "EmailAddresses", "IPAddresses", "URIs")) b.put(k, e.get(k));
    b.put("ExtraExtensions", NullValue.INSTANCE);
    return b.build();
  }

  private static String structureError() {
    return "asn1: structure error: tags don't match (16 vs {class:1 tag:2 length:97 isCompound:true}) "
        + "{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> "
        + "stringType:0 timeType:0 set:false omitEmpty:false} certificateRequest @2";
  }

  /** [][]AttributeTypeAndValue of a CSR attribute, or null when Go would drop the attribute. */
  private static Value attributeValues(ASN1Set set) {
    List<Value> outer = new ArrayList<>();
    for (ASN1Encodable item : set) {
      if (!(item.toASN1Primitive() instanceof ASN1Sequence seq)) return null;
      List<Value> inner = new ArrayList<>();
      for (ASN1Encodable pair : seq) {
        if (!(pair.toASN1Primitive() instanceof ASN1Sequence p) || p.size() != 2
            || !(p.getObjectAt(0) instanceof ASN1ObjectIdentifier type)) {
          return null;
        }
        inner.add(ObjectValue.ofStrings("Type", oid(type), "Value", asn1Value(p.getObjectAt(1))));
      }
      outer.add(ArrayValue.of(inner));
    }
    return ArrayValue.of(outer);
  }

  private static Value asn1Value(ASN1Encodable e) {
    ASN1Primitive p = e.toASN1Primitive();
    if (p instanceof ASN1String s) return StringValue.of(s.getString());
    if (p instanceof ASN1OctetString o) return b64(o.getOctets());
    if (p instanceof ASN1Integer i) return NumberValue.of(i.getValue());
    if (p instanceof org.bouncycastle.asn1.ASN1Boolean bool) return BooleanValue.of(bool.isTrue());
    if (p instanceof ASN1ObjectIdentifier o) return oid(o);
    return b64(der(p));
  }
}
