package io.fastmmap.process;

import io.fastmmap.process.VerifierChild.Reading;
import java.util.ArrayList;
import java.util.List;

/**
 * What a supervisor knows of one key written by one {@link WriterChild}: its last acknowledged operation and the
 * operations started since (in flight when the writer was killed), read from the writer's {@code OP}, {@code ACK}
 * and {@code DEL} lines. Judges whether a value read later is one the key may hold.
 */
public final class KeyLedger {
    long lastAckSeq = -1;
    boolean lastAckRemoved = true; // the file starts empty
    final List<long[]> inFlight = new ArrayList<>(); // {seq, type}: written before a kill, never acknowledged

    /** Records an {@code OP <index> <seq> <S|G|R>} line: the operation may now be in flight. */
    public void started(long seq, char type) {
        inFlight.add(new long[] {seq, type});
    }

    /**
     * Records an {@code ACK} (write) or {@code DEL} (removal) line.
     *
     * @return false when it does not follow its own {@code OP} line: the writer broke the protocol
     */
    public boolean acknowledged(long seq, boolean removal) {
        long[] last = inFlight.isEmpty() ? null : inFlight.get(inFlight.size() - 1);
        boolean follows = last != null && last[0] == seq && (last[1] == 'R') == removal;
        lastAckSeq = seq;
        lastAckRemoved = removal;
        inFlight.clear();
        return follows;
    }

    /** @return the ledger in words, for failure messages */
    public String describe() {
        StringBuilder text = new StringBuilder(lastAckSeq < 0 ? "never acknowledged"
                : "last acknowledged: " + (lastAckRemoved ? "remove" : "write") + " seq "
                + WriterValue.seqText(lastAckSeq));
        if (!inFlight.isEmpty()) {
            text.append("; unacknowledged since (in flight at a kill):");
            for (long[] op : inFlight) {
                text.append(' ').append((char) op[1]).append(' ').append(WriterValue.seqText(op[0]));
            }
        }
        return text.toString();
    }

    /** @return null when {@code reading} is a state the key may be in, else what is wrong */
    public String judge(Reading reading) {
        if (reading.problem() != null) {
            return reading.problem();
        }
        if (reading.seq() < 0) {
            boolean removeInFlight = inFlight.stream().anyMatch(op -> op[1] == 'R');
            return lastAckRemoved || removeInFlight ? null : "LOST WRITE: reads null";
        }
        if (!lastAckRemoved && reading.seq() == lastAckSeq) {
            return null;
        }
        boolean writeInFlight = inFlight.stream().anyMatch(op -> op[0] == reading.seq() && op[1] != 'R');
        if (writeInFlight) {
            return null;
        }
        return (reading.seq() < lastAckSeq ? "STALE VALUE" : "VALUE NEVER WRITTEN") + ": reads seq "
                + WriterValue.seqText(reading.seq());
    }
}
