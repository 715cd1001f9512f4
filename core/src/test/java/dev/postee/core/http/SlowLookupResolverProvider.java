package dev.postee.core.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * The JDK's resolver, except that {@link #SLOW_HOST} takes {@link #DELAY_MILLIS} to resolve (to
 * loopback): a DNS server that is slow to answer. Registered for the test JVM through
 * META-INF/services; every other name resolves as usual.
 */
public final class SlowLookupResolverProvider extends InetAddressResolverProvider {
  static final String SLOW_HOST = "slow-lookup.postee.test";
  static final long DELAY_MILLIS = 3_000;

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        if (!host.equalsIgnoreCase(SLOW_HOST)) return builtin.lookupByName(host, policy);
        try {
          Thread.sleep(DELAY_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UnknownHostException(host + ": lookup interrupted");
        }
        return Stream.of(InetAddress.getLoopbackAddress());
      }

      @Override
      public String lookupByAddress(byte[] address) throws UnknownHostException {
        return builtin.lookupByAddress(address);
      }
    };
  }

  @Override
  public String name() {
    return "postee-test-slow-lookup";
  }
}
