import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Radio,
  Row,
  Space,
  Statistic,
  Table,
  Typography,
  Upload,
} from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TCrs, TTerritoryImportReport } from '@huizhi/contracts';
import { api, isApiError, territoryExportUrl, type TerritoryFileFormat } from '../api';
import { describeError } from '../errors';
import { formatNumber } from '../format';
import { useLocale } from '../i18n';
import { DryRunButtons } from '../components/dry-run-buttons';
import { PageHeader } from '../components/page-header';

interface PickedFile {
  name: string;
  content: string;
  format: TerritoryFileFormat;
}

/** A report as the import answered it: a 200 body, or the details of a 422 TERRITORY_IMPORT_REFUSED. */
function readReport(error: unknown): TTerritoryImportReport | null {
  if (!isApiError(error, 'TERRITORY_IMPORT_REFUSED')) return null;
  const details = error.details as Partial<TTerritoryImportReport> | null | undefined;
  if (!details || !Array.isArray(details.refused)) return null;
  return {
    applied: false,
    dryRun: details.dryRun ?? false,
    created: details.created ?? 0,
    updated: details.updated ?? 0,
    refused: details.refused,
    repaired: details.repaired ?? [],
    overlaps: details.overlaps ?? [],
  };
}

/** Admins import the territory tree (GeoJSON or CSV) after a dry run, and export it. */
export function TerritoryImportPage() {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<PickedFile | null>(null);
  const [crs, setCrs] = useState<TCrs>('wgs84');
  const [report, setReport] = useState<TTerritoryImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** The file and CRS whose dry run passed: only they may be applied. */
  const [checked, setChecked] = useState<{ file: PickedFile; crs: TCrs } | null>(null);

  const run = useMutation({
    mutationFn: (dryRun: boolean) =>
      api.importTerritories(file!.content, { format: file!.format, crs, dryRun }),
    onMutate: () => {
      setError(null);
      setReport(null);
    },
    onSuccess: async (answer, dryRun) => {
      setReport(answer);
      if (dryRun && answer.refused.length === 0) setChecked({ file: file!, crs });
      if (!dryRun) {
        setChecked(null);
        await queryClient.invalidateQueries({ queryKey: ['territories'] });
      }
    },
    onError: (cause) => {
      const refused = readReport(cause);
      setChecked(null);
      if (refused) setReport(refused);
      else setError(cause);
    },
  });

  const canApply = checked !== null && checked.file === file && checked.crs === crs;

  return (
    <>
      <PageHeader title={m.territoryImport.title} description={m.territoryImport.description} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card className="section-card" data-testid="import-card">
            <Form layout="vertical">
              <Form.Item label={m.territoryImport.file} extra={m.territoryImport.fileHelp}>
                <Space wrap>
                  <Upload
                    accept=".geojson,.json,.csv,application/json,application/geo+json,text/csv"
                    maxCount={1}
                    showUploadList={false}
                    beforeUpload={(picked) => {
                      void picked.text().then((content) => {
                        setFile({
                          name: picked.name,
                          content,
                          format: /\.csv$/i.test(picked.name) ? 'csv' : 'geojson',
                        });
                        setReport(null);
                        setError(null);
                        setChecked(null);
                      });
                      return false;
                    }}
                  >
                    <Button icon={<UploadOutlined />} data-testid="import-pick">
                      {m.territoryImport.pickFile}
                    </Button>
                  </Upload>
                  <Typography.Text data-testid="import-file-name" type={file ? undefined : 'secondary'}>
                    {file
                      ? `${file.name}（${m.territoryImport.format}：${file.format === 'csv' ? 'CSV' : 'GeoJSON'}）`
                      : m.territoryImport.noFile}
                  </Typography.Text>
                </Space>
              </Form.Item>
              <Form.Item label={m.territoryImport.crs}>
                <Radio.Group
                  data-testid="import-crs"
                  value={crs}
                  onChange={(event) => setCrs(event.target.value as TCrs)}
                  options={[
                    { value: 'wgs84', label: m.territoryImport.crsWgs84 },
                    { value: 'gcj02', label: m.territoryImport.crsGcj02 },
                  ]}
                />
              </Form.Item>
              <DryRunButtons
                testIdPrefix="import"
                hasFile={!!file}
                canApply={canApply}
                running={run.isPending ? run.variables : undefined}
                onRun={(dryRun) => run.mutate(dryRun)}
                labels={m.territoryImport}
              />
            </Form>
          </Card>
          {error ? (
            <Alert
              type="error"
              showIcon
              className="section-card"
              data-testid="import-error"
              title={describeError(error, t)}
            />
          ) : null}
          {report ? <ImportReport report={report} locale={locale} /> : null}
        </Col>
        <Col xs={24} xl={8}>
          <Card className="section-card" title={m.territoryImport.export}>
            <Typography.Paragraph type="secondary">{m.territoryImport.exportHelp}</Typography.Paragraph>
            <Space wrap>
              <Button
                icon={<DownloadOutlined />}
                href={territoryExportUrl('geojson')}
                data-testid="export-geojson"
              >
                {m.territoryImport.exportGeojson}
              </Button>
              <Button icon={<DownloadOutlined />} href={territoryExportUrl('csv')} data-testid="export-csv">
                {m.territoryImport.exportCsv}
              </Button>
            </Space>
          </Card>
        </Col>
      </Row>
    </>
  );
}

function ImportReport({ report, locale }: { report: TTerritoryImportReport; locale: 'zh-CN' | 'en' }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const refusedCount = report.refused.length;
  const status =
    refusedCount > 0
      ? { type: 'error' as const, text: t('territoryImport.refusedTitle', { count: refusedCount }) }
      : report.applied
        ? { type: 'success' as const, text: m.territoryImport.applied }
        : { type: 'info' as const, text: m.territoryImport.dryRunOk };
  const reasons: Record<string, string> = m.territoryImport.reasons;
  return (
    <Card
      className="section-card"
      title={m.territoryImport.report}
      data-testid="import-report"
      data-outcome={refusedCount > 0 ? 'refused' : report.applied ? 'applied' : 'checked'}
    >
      <Alert
        type={status.type}
        showIcon
        title={status.text}
        data-testid="import-status"
        className="form-error"
      />
      <Row gutter={[16, 16]}>
        <Col xs={8}>
          <Statistic title={m.territoryImport.created} value={formatNumber(report.created, locale)} />
        </Col>
        <Col xs={8}>
          <Statistic title={m.territoryImport.updated} value={formatNumber(report.updated, locale)} />
        </Col>
        <Col xs={8}>
          <Statistic
            title={m.territoryImport.refusedCount}
            value={formatNumber(refusedCount, locale)}
            styles={{ content: refusedCount > 0 ? { color: '#cf1322' } : undefined }}
          />
        </Col>
      </Row>
      {refusedCount > 0 ? (
        <>
          <Typography.Title level={5} className="report-title">
            {m.territoryImport.refused}
          </Typography.Title>
          <Table
            data-testid="import-refused"
            size="small"
            rowKey={(row) => `${row.index}-${row.code ?? ''}-${row.reason}`}
            pagination={false}
            dataSource={report.refused}
            scroll={{ x: 'max-content' }}
            columns={[
              { key: 'index', title: m.territoryImport.index, width: 64, render: (_, row) => row.index + 1 },
              {
                key: 'code',
                title: m.territoryImport.code,
                render: (_, row) => <span className="mono">{row.code ?? '—'}</span>,
              },
              {
                key: 'reason',
                title: m.territoryImport.reason,
                render: (_, row) => reasons[row.reason] ?? row.reason,
              },
              { key: 'message', title: m.territoryImport.message, render: (_, row) => row.message },
            ]}
          />
        </>
      ) : null}
      {report.repaired.length > 0 ? (
        <>
          <Typography.Title level={5} className="report-title">
            {m.territoryImport.repaired}
          </Typography.Title>
          <Table
            data-testid="import-repaired"
            size="small"
            rowKey={(row) => `${row.code}-${row.what}`}
            pagination={false}
            dataSource={report.repaired}
            columns={[
              {
                key: 'code',
                title: m.territoryImport.code,
                render: (_, row) => <span className="mono">{row.code}</span>,
              },
              { key: 'what', title: m.territoryImport.what, render: (_, row) => row.what },
            ]}
          />
        </>
      ) : null}
      {report.overlaps.length > 0 ? (
        <>
          <Typography.Title level={5} className="report-title">
            {m.territoryImport.overlaps}
          </Typography.Title>
          <Table
            data-testid="import-overlaps"
            size="small"
            rowKey={(row) => `${row.code}-${row.otherCode}`}
            pagination={false}
            dataSource={report.overlaps}
            columns={[
              {
                key: 'code',
                title: m.territoryImport.code,
                render: (_, row) => <span className="mono">{row.code}</span>,
              },
              {
                key: 'other',
                title: m.territoryImport.otherCode,
                render: (_, row) => <span className="mono">{row.otherCode}</span>,
              },
              {
                key: 'share',
                title: m.territoryImport.share,
                align: 'right',
                render: (_, row) =>
                  new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(
                    row.share,
                  ),
              },
            ]}
          />
        </>
      ) : null}
    </Card>
  );
}
