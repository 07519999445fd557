import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Row, Space, Statistic, Table, Tag, Typography, Upload } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { APPEAL_IMPORT_COLUMNS, type TAppealImportReport } from '@huizhi/contracts';
import { isApiError } from '../api';
import { describeError } from '../errors';
import { formatDateTime, formatNumber } from '../format';
import { useLocale } from '../i18n';
import { portalApi } from '../portal-api';
import { DryRunButtons } from '../components/dry-run-buttons';
import { PageHeader } from '../components/page-header';
import './portal.css';

/** The sample export, copied from docs/operations/samples into the web app's public folder. */
export const APPEAL_IMPORT_SAMPLE_URL = '/samples/appeals-12345-sample.csv';

type ReportLine = TAppealImportReport['errors'][number] & { key: number };

/** Report lines with a row key (the same row may have several lines). */
function withKeys(lines: TAppealImportReport['errors']): ReportLine[] {
  return lines.map((line, index) => ({ ...line, key: index }));
}

/** The report of a refused import: the details of a 422 APPEAL_IMPORT_REFUSED. */
function refusedReport(error: unknown): TAppealImportReport | null {
  if (!isApiError(error, 'APPEAL_IMPORT_REFUSED')) return null;
  const details = error.details as Partial<TAppealImportReport> | null | undefined;
  if (!details || !Array.isArray(details.errors)) return null;
  return {
    id: details.id ?? '',
    fileName: details.fileName ?? '',
    applied: false,
    dryRun: details.dryRun ?? false,
    rowCount: details.rowCount ?? 0,
    imported: 0,
    errors: details.errors,
    warnings: details.warnings ?? [],
  };
}

/** Admins import historical work orders from a 12345 export (.csv/.xlsx) after a dry run. */
export function AppealImportPage() {
  const { t } = useTranslation();
  const { m } = useLocale();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<TAppealImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** The file whose dry run passed: only it may be imported. */
  const [checked, setChecked] = useState<File | null>(null);

  const history = useQuery({
    queryKey: ['appeal-imports'],
    queryFn: ({ signal }) => portalApi.appealImports(signal),
  });

  const run = useMutation({
    mutationFn: (dryRun: boolean) => portalApi.importAppeals(file!, dryRun),
    onMutate: () => {
      setError(null);
      setReport(null);
    },
    onSuccess: async (answer, dryRun) => {
      setReport(answer);
      setChecked(dryRun && answer.errors.length === 0 ? file : null);
      await queryClient.invalidateQueries({ queryKey: ['appeal-imports'] });
      if (!dryRun) await queryClient.invalidateQueries({ queryKey: ['appeals'] });
    },
    onError: async (cause) => {
      const refused = refusedReport(cause);
      setChecked(null);
      if (refused) setReport(refused);
      else setError(cause);
      await queryClient.invalidateQueries({ queryKey: ['appeal-imports'] });
    },
  });

  const view = useMutation({
    mutationFn: (id: string) => portalApi.appealImport(id),
    onSuccess: (answer) => {
      setError(null);
      setReport(answer);
    },
    onError: (cause) => setError(cause),
  });

  const canApply = checked !== null && checked === file;

  return (
    <>
      <PageHeader title={m.appealImport.title} description={m.appealImport.description} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card className="section-card" data-testid="appeal-import-card">
            <Form layout="vertical">
              <Form.Item label={m.appealImport.file} extra={m.appealImport.fileHelp}>
                <Space wrap>
                  <Upload
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    maxCount={1}
                    showUploadList={false}
                    beforeUpload={(picked) => {
                      setFile(picked);
                      setReport(null);
                      setError(null);
                      setChecked(null);
                      return false;
                    }}
                  >
                    <Button icon={<UploadOutlined />} data-testid="appeal-import-pick">
                      {m.appealImport.pickFile}
                    </Button>
                  </Upload>
                  <Typography.Text data-testid="appeal-import-file" type={file ? undefined : 'secondary'}>
                    {file ? file.name : m.appealImport.noFile}
                  </Typography.Text>
                </Space>
              </Form.Item>
              <DryRunButtons
                testIdPrefix="appeal-import"
                hasFile={!!file}
                canApply={canApply}
                running={run.isPending ? run.variables : undefined}
                onRun={(dryRun) => run.mutate(dryRun)}
                labels={m.appealImport}
              />
            </Form>
          </Card>
          {error ? (
            <Alert
              type="error"
              showIcon
              className="section-card"
              data-testid="appeal-import-error"
              title={describeError(error, t)}
            />
          ) : null}
          {report ? <ImportReport report={report} /> : null}
        </Col>
        <Col xs={24} xl={8}>
          <Card className="section-card" title={m.appealImport.columns}>
            <Button
              icon={<DownloadOutlined />}
              href={APPEAL_IMPORT_SAMPLE_URL}
              download="appeals-12345-sample.csv"
              data-testid="appeal-import-sample"
              className="section-card"
            >
              {m.appealImport.sample}
            </Button>
            <Typography.Paragraph type="secondary">{m.appealImport.columnsHelp}</Typography.Paragraph>
            <ol className="import-columns" data-testid="appeal-import-columns">
              {APPEAL_IMPORT_COLUMNS.map((column) => (
                <li key={column}>
                  {m.appealImport.columnNames[column]} <Typography.Text code>{column}</Typography.Text>
                </li>
              ))}
            </ol>
          </Card>
          <Card className="section-card" title={m.appealImport.history}>
            <Table
              size="small"
              rowKey="id"
              data-testid="appeal-import-history"
              loading={history.isLoading}
              dataSource={history.data ?? []}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              tableLayout="fixed"
              locale={{ emptyText: m.appealImport.historyEmpty }}
              columns={[
                {
                  key: 'at',
                  title: `${m.appealImport.at} / ${m.appealImport.fileName}`,
                  render: (_, item) => (
                    <div className="import-history-item">
                      <ImportTime at={item.at} />
                      <Typography.Text type="secondary" ellipsis={{ tooltip: item.fileName }}>
                        {item.fileName}
                      </Typography.Text>
                    </div>
                  ),
                },
                {
                  key: 'result',
                  title: m.appealImport.result,
                  width: 80,
                  render: (_, item) =>
                    item.applied ? (
                      <Tag color="success">{m.appealImport.resultApplied}</Tag>
                    ) : (
                      <Tag>{m.appealImport.resultRefused}</Tag>
                    ),
                },
                {
                  key: 'view',
                  title: '',
                  width: 84,
                  render: (_, item) => (
                    <Button type="link" size="small" onClick={() => view.mutate(item.id)}>
                      {m.appealImport.view}
                    </Button>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}

function ImportTime({ at }: { at: string }) {
  const { locale } = useLocale();
  return <span className="nowrap">{formatDateTime(at, locale)}</span>;
}

function ImportReport({ report }: { report: TAppealImportReport }) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const errorCount = report.errors.length;
  const importable = report.rowCount - new Set(report.errors.map((e) => e.row)).size;
  const status =
    errorCount > 0
      ? { type: 'error' as const, text: t('appealImport.refused', { count: errorCount }) }
      : report.applied
        ? { type: 'success' as const, text: t('appealImport.appliedOk', { count: report.imported }) }
        : { type: 'success' as const, text: t('appealImport.checkedOk', { count: report.rowCount }) };
  const columns = [
    { key: 'row', title: m.appealImport.row, dataIndex: 'row', width: 72 },
    {
      key: 'column',
      title: m.appealImport.column,
      width: 140,
      render: (_: unknown, line: ReportLine) =>
        line.column ? <Typography.Text code>{line.column}</Typography.Text> : '—',
    },
    { key: 'message', title: m.appealImport.message, dataIndex: 'message' },
  ];
  return (
    <Card
      className="section-card"
      title={`${m.appealImport.report}${report.fileName ? ` · ${report.fileName}` : ''}`}
      extra={report.dryRun ? <Tag color="blue">{m.appealImport.resultDryRun}</Tag> : null}
      data-testid="appeal-import-report"
    >
      <Alert
        type={status.type}
        showIcon
        title={status.text}
        className="section-card"
        data-testid="appeal-import-status"
      />
      <Row gutter={[16, 16]} className="section-card">
        <Col xs={12} md={6}>
          <Statistic title={m.appealImport.rowCount} value={formatNumber(report.rowCount, locale)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={report.applied ? m.appealImport.imported : m.appealImport.importable}
            value={formatNumber(report.applied ? report.imported : Math.max(importable, 0), locale)}
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={m.appealImport.errorCount} value={formatNumber(errorCount, locale)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={m.appealImport.warningCount}
            value={formatNumber(report.warnings.length, locale)}
          />
        </Col>
      </Row>
      {errorCount > 0 ? (
        <>
          <Typography.Title level={5}>{m.appealImport.errors}</Typography.Title>
          <Table<ReportLine>
            size="small"
            data-testid="appeal-import-errors"
            dataSource={withKeys(report.errors)}
            columns={columns}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 480 }}
            className="section-card"
          />
        </>
      ) : null}
      {report.warnings.length > 0 ? (
        <>
          <Typography.Title level={5}>{m.appealImport.warnings}</Typography.Title>
          <Table<ReportLine>
            size="small"
            data-testid="appeal-import-warnings"
            dataSource={withKeys(report.warnings)}
            columns={columns}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: 480 }}
          />
        </>
      ) : null}
    </Card>
  );
}
