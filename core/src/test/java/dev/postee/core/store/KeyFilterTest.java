package dev.postee.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The filter that spares the store the reads of absent keys: never a false "absent". */
@Timeout(120)
class KeyFilterTest {
  @TempDir Path dir;

  @Test
  void everyAddedKeyIsFoundAndFewAbsentOnesAreWhileWithinCapacity() {
    KeyFilter f = KeyFilter.forKeys(100_000, 6);
    assertThat(f.capacity()).isGreaterThanOrEqualTo(100_000);
    for (int i = 0; i < 100_000; i++) f.add("ledger", UUID.nameUUIDFromBytes(("e" + i).getBytes()).toString());
    for (int i = 0; i < 100_000; i++) {
      assertThat(f.mightContain("ledger", UUID.nameUUIDFromBytes(("e" + i).getBytes()).toString())).isTrue();
    }
    int falsePositives = 0;
    for (int i = 0; i < 100_000; i++) {
      if (f.mightContain("ledger", UUID.nameUUIDFromBytes(("absent" + i).getBytes()).toString())) falsePositives++;
    }
    assertThat(falsePositives).as("false positives in 100,000 absent keys").isLessThan(2_000);
  }

  @Test
  void theNamespaceIsPartOfTheKey() {
    KeyFilter f = KeyFilter.forKeys(10, 10);
    f.add("a", "bc");
    assertThat(f.mightContain("a", "bc")).isTrue();
    assertThat(KeyFilter.hash("a", "bc")).isNotEqualTo(KeyFilter.hash("ab", "c"));
    assertThat(KeyFilter.hash("a", "bc")).isNotEqualTo(KeyFilter.hash("b", "bc"));
  }

  /** A store's key-values on a filter planned for 6 keys: it fills, grows from the table, and never loses a key. */
  @Test
  void aFullFilterIsRebuiltLargerFromTheTableWithoutLosingAKey() throws Exception {
    Path file = dir.resolve("kv.db");
    try (StoreParts store = StoreParts.open(file)) {
      KeyValues kv = new KeyValues(store.writer(), store.readers(), Clock.systemUTC(), 6);
      long firstCapacity = kv.filter().capacity();
      assertThat(firstCapacity).isEqualTo(6);
      CompletableFuture<?> last = null;
      for (int i = 0; i < 500; i++) {
        last = kv.putSoon("ns", "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8), null, i % 2 == 0);
        // read while rebuilds come and go: every committed key is found
        if (i % 50 == 49) {
          last.get(10, TimeUnit.SECONDS);
          for (int j = 0; j <= i; j++) assertThat(kv.get("ns", "k" + j)).as("key k%d after %d puts", j, i + 1).isPresent();
        }
      }
      last.get(10, TimeUnit.SECONDS);
      assertThat(kv.filter().capacity()).as("grown").isGreaterThan(firstCapacity);
      assertThat(kv.get("ns", "absent")).isEmpty();
    }
    // overwrites and deletes do not make it grow: a rebuild is sized from the table's rows
    try (StoreParts store = StoreParts.open(file)) {
      Writer writer = store.writer();
      writer.submit(x -> Sql.update(x, "DELETE FROM kv")).get(10, TimeUnit.SECONDS);
      KeyValues kv = new KeyValues(writer, store.readers(), Clock.systemUTC(), 6);
      CompletableFuture<?> last = null;
      for (int i = 0; i < 200; i++) last = kv.putSoon("state", "revision", new byte[] {(byte) i}, null, false);
      last.get(10, TimeUnit.SECONDS);
      writer.submit(x -> null).get(10, TimeUnit.SECONDS); // a rebuild queued meanwhile is done
      assertThat(kv.filter().capacity()).as("sized for one row").isEqualTo(6);
      assertThat(kv.get("state", "revision")).hasValueSatisfying(v -> assertThat(v).containsExactly((byte) 199));
      for (int i = 0; i < 500; i++) kv.putSoon("ns", "k" + i, new byte[] {1}, null, true); // refill for below
      kv.putSoon("ns", "k0", new byte[] {1}, null, false).get(10, TimeUnit.SECONDS);
    }
    // opened again: the filter is made from the table
    try (StoreParts store = StoreParts.open(file)) {
      KeyValues kv = new KeyValues(store.writer(), store.readers(), Clock.systemUTC(), 6);
      assertThat(kv.filter().capacity()).isGreaterThanOrEqualTo(1000);
      for (int j = 0; j < 500; j++) assertThat(kv.get("ns", "k" + j)).isPresent();
    }
  }
}
