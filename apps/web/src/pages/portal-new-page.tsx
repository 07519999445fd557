import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { Alert, Button, Form, Input, Result, Select, Spin, Switch } from 'antd';
import {
  AimOutlined,
  CameraOutlined,
  CloseOutlined,
  EnvironmentOutlined,
  LeftOutlined,
  LoadingOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { APPEAL_TYPES, type AppealType } from '@huizhi/domain';
import {
  APPEAL_ADDRESS_MAX,
  APPEAL_CONTENT_MAX,
  APPEAL_CONTENT_MIN,
  type TCategory,
} from '@huizhi/contracts';
import { useCurrentUser } from '../auth';
import { describeError } from '../errors';
import { useLocale } from '../i18n';
import { newIdempotencyKey, portalApi, type CreateAppealBody } from '../portal-api';
import { MY_APPEALS_QUERY_KEY } from './portal-page';
import './portal.css';

/** How many photos one appeal takes from the phone form. */
const PHOTOS_MAX = 6;
/** Photos larger than this are scaled down before upload (phones take 3–8 MB pictures). */
const SHRINK_ABOVE_BYTES = 1_500_000;
const SHRINK_MAX_SIDE = 2048;

interface Photo {
  key: string;
  name: string;
  previewUrl: string;
  status: 'uploading' | 'done' | 'failed';
  attachmentId?: string;
}

interface Located {
  lng: number;
  lat: number;
  accuracy: number;
}

interface FormValues {
  type?: AppealType;
  categoryCode?: string;
  content?: string;
  address?: string;
  territoryId?: string;
  confidential?: boolean;
}

/** Scales a large photo down to a JPEG of at most SHRINK_MAX_SIDE pixels; other files pass as they are. */
async function shrinkPhoto(file: File): Promise<{ blob: Blob; name: string }> {
  const isPhoto = file.type.startsWith('image/') && file.type !== 'image/gif';
  if (!isPhoto || file.size <= SHRINK_ABOVE_BYTES || typeof createImageBitmap !== 'function') {
    return { blob: file, name: file.name };
  }
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, SHRINK_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (!blob || blob.size >= file.size) return { blob: file, name: file.name };
    return { blob, name: file.name.replace(/\.[^.]*$/, '') + '.jpg' };
  } catch {
    return { blob: file, name: file.name };
  }
}

/** The five appeal types as chips, with a line saying what the chosen one is for. */
function TypeChips({ value, onChange }: { value?: AppealType; onChange?: (value: AppealType) => void }) {
  const { m } = useLocale();
  return (
    <div>
      <div className="portal-chips" role="group" data-testid="portal-type">
        {APPEAL_TYPES.map((type) => (
          <button
            key={type}
            type="button"
            className="portal-chip"
            aria-pressed={value === type}
            data-testid={`portal-type-${type}`}
            onClick={() => onChange?.(type)}
          >
            {m.portal.types[type]}
          </button>
        ))}
      </div>
      {value ? <div className="portal-chip-help">{m.portal.typeHelp[value]}</div> : null}
    </div>
  );
}

/** A two-step category picker: the area (level 1), then the kind (level 2), or the area alone. */
function CategoryPicker({
  value,
  onChange,
  categories,
}: {
  value?: string;
  onChange?: (value: string | undefined) => void;
  categories: readonly TCategory[];
}) {
  const { t } = useTranslation();
  const { m, locale } = useLocale();
  const [open, setOpen] = useState(false);
  const [area, setArea] = useState<TCategory | null>(null);
  const nameOf = (category: TCategory) => (locale === 'zh-CN' ? category.nameZh : category.nameEn);
  const byCode = useMemo(() => new Map(categories.map((c) => [c.code, c])), [categories]);
  const areas = categories.filter((c) => c.level === 1);
  const kinds = area ? categories.filter((c) => c.parentCode === area.code) : [];

  const picked = value ? byCode.get(value) : undefined;
  const pickedLabel = picked
    ? [picked.parentCode ? byCode.get(picked.parentCode) : undefined, picked]
        .filter((c): c is TCategory => c !== undefined)
        .map(nameOf)
        .join(' / ')
    : null;

  const choose = (code: string) => {
    onChange?.(code);
    setOpen(false);
    setArea(null);
  };

  return (
    <div data-testid="portal-category">
      {!open ? (
        <div className="portal-category-picked">
          {pickedLabel ? <strong data-testid="portal-category-picked">{pickedLabel}</strong> : null}
          <Button onClick={() => setOpen(true)} data-testid="portal-category-open">
            {pickedLabel ? m.portal.categoryChange : m.portal.categoryPick}
          </Button>
          {pickedLabel ? (
            <Button type="link" onClick={() => onChange?.(undefined)}>
              {m.portal.categoryClear}
            </Button>
          ) : null}
        </div>
      ) : (
        <div className="portal-category-panel">
          <div className="portal-category-panel-title">
            {area ? (
              <Button
                type="text"
                size="small"
                icon={<LeftOutlined />}
                aria-label={m.portal.categoryBack}
                onClick={() => setArea(null)}
              />
            ) : null}
            <span>{area ? t('portal.categoryItems', { name: nameOf(area) }) : m.portal.categoryAreas}</span>
          </div>
          <div className="portal-chips">
            {(area ? kinds : areas).map((category) => (
              <button
                key={category.code}
                type="button"
                className="portal-chip"
                aria-pressed={value === category.code}
                data-testid={`portal-category-${category.code}`}
                onClick={() => {
                  if (area) choose(category.code);
                  else if (categories.some((c) => c.parentCode === category.code)) setArea(category);
                  else choose(category.code);
                }}
              >
                {nameOf(category)}
              </button>
            ))}
            {area ? (
              <button type="button" className="portal-chip" onClick={() => choose(area.code)}>
                {t('portal.categoryWhole', { name: nameOf(area) })}
              </button>
            ) : null}
          </div>
          <Button
            type="link"
            className="portal-back"
            onClick={() => {
              setOpen(false);
              setArea(null);
            }}
          >
            {m.common.cancel}
          </Button>
        </div>
      )}
    </div>
  );
}

/**
 * The phone form to raise an appeal: a resident's (channel `mobile`, at /portal/new) or a grid
 * worker's patrol report (channel `patrol`, at /patrol/new, with the grid to file it under).
 * The appellant's name and phone come from the account on the server.
 */
export function PortalNewPage({ mode = 'resident' }: { mode?: 'resident' | 'patrol' }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const isPatrol = mode === 'patrol';
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [located, setLocated] = useState<Located | null>(null);
  const [locating, setLocating] = useState(false);
  const [locateFailed, setLocateFailed] = useState(false);
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [created, setCreated] = useState<{ id: string; number: string } | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const photoUrls = useRef<string[]>([]);

  // Object URLs of previews are released when the page goes away.
  useEffect(() => {
    const urls = photoUrls.current;
    return () => urls.forEach((url) => URL.revokeObjectURL(url));
  }, []);

  const categories = useQuery({
    queryKey: ['categories', 'active'],
    queryFn: ({ signal }) => portalApi.categories(true, signal),
    staleTime: 5 * 60_000,
  });

  const grids = me.assignments
    .filter((a) => a.role === 'gridWorker' && a.scope.kind === 'territory' && a.scope.id)
    .map((a) => ({ value: a.scope.id!, label: a.scope.name ?? a.scope.id! }));

  const upload = async (file: File) => {
    const key = newIdempotencyKey();
    const previewUrl = URL.createObjectURL(file);
    photoUrls.current.push(previewUrl);
    setPhotos((list) => [...list, { key, name: file.name, previewUrl, status: 'uploading' }]);
    try {
      const { blob, name } = await shrinkPhoto(file);
      const attachment = await portalApi.uploadAttachment(blob, name);
      setPhotos((list) =>
        list.map((p) => (p.key === key ? { ...p, status: 'done', attachmentId: attachment.id } : p)),
      );
    } catch (error) {
      setPhotos((list) => list.map((p) => (p.key === key ? { ...p, status: 'failed' } : p)));
      setUploadError(t('portal.uploadFailed', { message: describeError(error, t) }));
    }
  };

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocateFailed(true);
      return;
    }
    setLocating(true);
    setLocateFailed(false);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        setLocated({
          lng: position.coords.longitude,
          lat: position.coords.latitude,
          accuracy: Math.round(position.coords.accuracy),
        });
        void form.validateFields(['address']);
      },
      () => {
        setLocating(false);
        setLocateFailed(true);
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const submit = useMutation({
    mutationFn: (values: FormValues) => {
      const body: CreateAppealBody = {
        channel: isPatrol ? 'patrol' : 'mobile',
        type: values.type!,
        content: values.content!.trim(),
        appellant: { confidential: values.confidential ?? false },
        attachmentIds: photos.flatMap((p) => (p.attachmentId ? [p.attachmentId] : [])),
      };
      if (values.categoryCode) body.categoryCode = values.categoryCode;
      const address = values.address?.trim();
      if (address) body.address = address;
      if (located) body.location = { lng: located.lng, lat: located.lat };
      if (isPatrol && values.territoryId) body.territoryId = values.territoryId;
      return portalApi.createAppeal(body, idempotencyKey);
    },
    onSuccess: async (appeal) => {
      setCreated({ id: appeal.id, number: appeal.number });
      window.scrollTo(0, 0);
      await queryClient.invalidateQueries({ queryKey: MY_APPEALS_QUERY_KEY });
    },
  });

  const startOver = () => {
    form.resetFields();
    setPhotos([]);
    setLocated(null);
    setUploadError(null);
    setIdempotencyKey(newIdempotencyKey());
    setCreated(null);
    submit.reset();
  };

  if (created) {
    return (
      <div className="portal">
        <Result
          status="success"
          className="portal-result"
          data-testid="portal-submitted"
          title={m.portal.submitted}
          subTitle={
            <>
              <div className="portal-submitted-number" data-testid="portal-submitted-number">
                {t('portal.submittedNumber', { number: created.number })}
              </div>
              <div>{isPatrol ? m.portal.patrolSubmittedHelp : m.portal.submittedHelp}</div>
            </>
          }
          extra={
            isPatrol
              ? [
                  <Button key="again" type="primary" size="large" onClick={startOver}>
                    {m.portal.anotherPatrol}
                  </Button>,
                  <Button key="home" size="large" onClick={() => void navigate('/')}>
                    {m.portal.backHome}
                  </Button>,
                ]
              : [
                  <Button
                    key="view"
                    type="primary"
                    size="large"
                    data-testid="portal-view-progress"
                    onClick={() => void navigate(`/portal/appeals/${created.id}`)}
                  >
                    {m.portal.viewProgress}
                  </Button>,
                  <Button key="list" size="large" onClick={() => void navigate('/portal')}>
                    {m.portal.backToList}
                  </Button>,
                  <Button key="again" size="large" type="link" onClick={startOver}>
                    {m.portal.another}
                  </Button>,
                ]
          }
        />
      </div>
    );
  }

  const uploading = photos.some((p) => p.status === 'uploading');

  return (
    <div className="portal">
      {!isPatrol ? (
        <Button
          type="link"
          icon={<LeftOutlined />}
          className="portal-back"
          onClick={() => void navigate('/portal')}
        >
          {m.portal.backToList}
        </Button>
      ) : null}
      <div className="portal-head">
        <div>
          <h1 data-testid="page-title">{isPatrol ? m.portal.patrolTitle : m.portal.newTitle}</h1>
          <p className="portal-intro">{isPatrol ? m.portal.patrolIntro : m.portal.newIntro}</p>
        </div>
      </div>
      <Form<FormValues>
        form={form}
        layout="vertical"
        className="portal-form portal-section"
        requiredMark={false}
        initialValues={{ confidential: false, territoryId: grids[0]?.value }}
        onFinish={(values) => submit.mutate(values)}
        scrollToFirstError
        data-testid="portal-form"
      >
        <Form.Item
          name="type"
          label={m.portal.type}
          rules={[{ required: true, message: m.portal.typeRequired }]}
        >
          <TypeChips />
        </Form.Item>
        <Form.Item name="categoryCode" label={m.portal.category}>
          {categories.isLoading ? (
            <Spin size="small" />
          ) : (
            <CategoryPicker categories={categories.data?.items ?? []} />
          )}
        </Form.Item>
        <Form.Item
          name="content"
          label={m.portal.content}
          rules={[
            {
              required: true,
              whitespace: true,
              message: t('portal.contentTooShort', { min: APPEAL_CONTENT_MIN }),
            },
            { min: APPEAL_CONTENT_MIN, message: t('portal.contentTooShort', { min: APPEAL_CONTENT_MIN }) },
          ]}
        >
          <Input.TextArea
            rows={5}
            maxLength={APPEAL_CONTENT_MAX}
            showCount
            placeholder={m.portal.contentPlaceholder}
            data-testid="portal-content"
          />
        </Form.Item>
        <Form.Item label={m.portal.photos} extra={t('portal.photoHelp', { max: PHOTOS_MAX })}>
          <div className="portal-photos" data-testid="portal-photos">
            {photos.map((photo) => (
              <div
                key={photo.key}
                className={`portal-photo${photo.status === 'failed' ? ' portal-photo-failed' : ''}`}
                data-testid="portal-photo"
                data-status={photo.status}
              >
                <img src={photo.previewUrl} alt={photo.name} />
                {photo.status === 'uploading' ? (
                  <div className="portal-photo-busy" aria-label={m.portal.uploading}>
                    <LoadingOutlined />
                  </div>
                ) : null}
                <Button
                  size="small"
                  shape="circle"
                  className="portal-photo-remove"
                  icon={<CloseOutlined />}
                  aria-label={m.portal.removePhoto}
                  onClick={() => setPhotos((list) => list.filter((p) => p.key !== photo.key))}
                />
              </div>
            ))}
            {photos.length < PHOTOS_MAX ? (
              <button
                type="button"
                className="portal-photo-add"
                data-testid="portal-photo-add"
                onClick={() => fileInput.current?.click()}
              >
                <CameraOutlined />
                <span>{m.portal.addPhoto}</span>
              </button>
            ) : null}
          </div>
          <input
            ref={fileInput}
            type="file"
            accept="image/*"
            capture="environment"
            className="portal-hidden-input"
            // antd's form styles show file inputs as blocks; the camera button stands in for it.
            style={{ display: 'none' }}
            data-testid="portal-photo-input"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              setUploadError(null);
              if (file) void upload(file);
            }}
          />
          {uploadError ? (
            <Alert type="error" showIcon title={uploadError} className="portal-upload-error" />
          ) : null}
        </Form.Item>
        <Form.Item label={m.portal.location} required>
          <div className="portal-location">
            {located ? (
              <>
                <EnvironmentOutlined />
                <span data-testid="portal-located">
                  {t('portal.located', { accuracy: located.accuracy })}
                </span>
                <Button type="link" size="small" onClick={() => setLocated(null)}>
                  {m.portal.locationClear}
                </Button>
              </>
            ) : (
              <Button icon={<AimOutlined />} loading={locating} onClick={locate} data-testid="portal-locate">
                {locating ? m.portal.locating : m.portal.locate}
              </Button>
            )}
          </div>
          {locateFailed && !located ? (
            <div className="portal-chip-help" data-testid="portal-locate-failed">
              {m.portal.locateFailed}
            </div>
          ) : null}
        </Form.Item>
        {isPatrol && grids.length > 0 ? (
          <Form.Item name="territoryId" label={m.portal.grid}>
            <Select options={grids} data-testid="portal-grid" />
          </Form.Item>
        ) : null}
        <Form.Item
          name="address"
          label={m.portal.address}
          rules={[
            {
              validator: async (_rule, value: string | undefined) => {
                if (located || value?.trim()) return;
                throw new Error(m.portal.addressRequired);
              },
            },
          ]}
        >
          <Input
            maxLength={APPEAL_ADDRESS_MAX}
            placeholder={m.portal.addressPlaceholder}
            data-testid="portal-address"
            size="large"
          />
        </Form.Item>
        {!isPatrol ? (
          <Form.Item
            name="confidential"
            label={m.portal.confidential}
            extra={m.portal.confidentialHelp}
            valuePropName="checked"
          >
            <Switch data-testid="portal-confidential" />
          </Form.Item>
        ) : null}
        {submit.error ? (
          <Alert
            type="error"
            showIcon
            title={describeError(submit.error, t)}
            className="section-card"
            data-testid="portal-submit-error"
          />
        ) : null}
        <Button
          type="primary"
          htmlType="submit"
          size="large"
          block
          className="portal-submit"
          loading={submit.isPending}
          disabled={uploading}
          data-testid="portal-submit"
        >
          {uploading ? m.portal.uploading : m.portal.submit}
        </Button>
      </Form>
    </div>
  );
}
