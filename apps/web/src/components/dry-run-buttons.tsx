import { Button, Space, Typography } from 'antd';
import { CloudUploadOutlined, ExperimentOutlined } from '@ant-design/icons';

interface DryRunButtonsProps {
  /** Prefix of the buttons' test ids: `<prefix>-dry-run`, `<prefix>-apply`. */
  testIdPrefix: string;
  hasFile: boolean;
  /** True once a dry run of this file passed. */
  canApply: boolean;
  /** The run in flight: true = dry run, false = apply, undefined = none. */
  running: boolean | undefined;
  onRun: (dryRun: boolean) => void;
  labels: { dryRun: string; apply: string; applyHelp: string };
}

/** The two steps of every import: check the file first (dry run), then apply it. */
export function DryRunButtons({
  testIdPrefix,
  hasFile,
  canApply,
  running,
  onRun,
  labels,
}: DryRunButtonsProps) {
  return (
    <Space wrap>
      <Button
        icon={<ExperimentOutlined />}
        data-testid={`${testIdPrefix}-dry-run`}
        disabled={!hasFile}
        loading={running === true}
        onClick={() => onRun(true)}
      >
        {labels.dryRun}
      </Button>
      <Button
        type="primary"
        icon={<CloudUploadOutlined />}
        data-testid={`${testIdPrefix}-apply`}
        disabled={!canApply}
        loading={running === false}
        onClick={() => onRun(false)}
      >
        {labels.apply}
      </Button>
      {!canApply ? <Typography.Text type="secondary">{labels.applyHelp}</Typography.Text> : null}
    </Space>
  );
}
