package io.fastmmap.torture;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.io.IOException;

/**
 * {@link FileFuzzTest}'s target in the form Jazzer's command line runs ({@code --target_class}), for the time-boxed
 * campaign of {@link FuzzCampaignTest}. Its inputs are the same bytes as the JUnit test's, so a finding of either is
 * replayed by the other.
 */
public final class FileFuzzTarget {
    private FileFuzzTarget() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) throws IOException {
        FileFuzzTest.damageUseAndRepair(data);
    }
}
