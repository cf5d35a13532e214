// Sends a poison spec with the official Apache Kafka Java producer (kafka-clients) and
// prints where every record landed, so a test knows exactly which offset holds what.
//
// Usage: java -cp <classes>:<kafka libs>/* PoisonProducer <bootstrap> <topic> <compression>
//            <transactional.id or -> <spec file>
//
// Spec: one line per instruction, fields separated by TAB, "-" for null, bytes in base64:
//   begin <none|commit|abort>                           start a group
//   record <partition|-> <key|-> <value|-> <headers>    headers: key:value,key:value (may be empty)
//   end                                                 flush; then commit or abort
// A group is flushed before its transaction ends, so the records of an aborted
// transaction are written to the log (and then aborted), as a real producer's would be.
// Output: "sent <group> <record> <partition> <offset>" for every record, then "done".
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class PoisonProducer {
    private static final int MAX_REQUEST_SIZE = 2 * 1024 * 1024;

    private PoisonProducer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: PoisonProducer <bootstrap> <topic> <compression> <txn id|-> <spec>");
            System.exit(2);
        }
        String topic = args[1];
        List<String> lines = Files.readAllLines(Path.of(args[4]), StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> plain = open(args[0], args[2], null);
             KafkaProducer<byte[], byte[]> txn = "-".equals(args[3]) ? null : open(args[0], args[2], args[3])) {
            if (txn != null) {
                txn.initTransactions();
            }
            int group = -1;
            String mode = "none";
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (String line : lines) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "begin" -> {
                        group += 1;
                        mode = f[1];
                        sent.clear();
                        if (!"none".equals(mode)) {
                            if (txn == null) {
                                throw new IllegalArgumentException("a transaction needs a transactional.id");
                            }
                            txn.beginTransaction();
                        }
                    }
                    case "record" -> {
                        KafkaProducer<byte[], byte[]> producer = "none".equals(mode) ? plain : txn;
                        Integer partition = "-".equals(f[1]) ? null : Integer.valueOf(f[1]);
                        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                            topic, partition, bytes(f[2]), bytes(f[3]), headers(f[4]));
                        sent.add(producer.send(record));
                    }
                    case "end" -> {
                        KafkaProducer<byte[], byte[]> producer = "none".equals(mode) ? plain : txn;
                        producer.flush();
                        for (int i = 0; i < sent.size(); i++) {
                            RecordMetadata m = sent.get(i).get();
                            System.out.println("sent\t" + group + "\t" + i + "\t" + m.partition() + "\t" + m.offset());
                        }
                        if ("commit".equals(mode)) {
                            txn.commitTransaction();
                        } else if ("abort".equals(mode)) {
                            txn.abortTransaction();
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown instruction: " + f[0]);
                }
            }
        }
        System.out.println("done");
    }

    private static KafkaProducer<byte[], byte[]> open(String bootstrap, String compression, String txnId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_SIZE));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        if (txnId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        }
        return new KafkaProducer<>(p);
    }

    private static byte[] bytes(String field) {
        return "-".equals(field) ? null : Base64.getDecoder().decode(field);
    }

    private static RecordHeaders headers(String field) {
        RecordHeaders headers = new RecordHeaders();
        if (field.isEmpty()) {
            return headers;
        }
        for (String pair : field.split(",", -1)) {
            String[] kv = pair.split(":", -1);
            // Java header keys are Strings, sent as UTF-8: a non-UTF-8 key cannot be
            // expressed here (see tests/poison/raw_header_keys.py).
            String key = new String(Base64.getDecoder().decode(kv[0]), StandardCharsets.UTF_8);
            headers.add(new RecordHeader(key, bytes(kv[1])));
        }
        return headers;
    }
}
