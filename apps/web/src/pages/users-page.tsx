import { useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Row,
  Col,
  Select,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from 'antd';
import { EyeInvisibleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  LOCALES,
  NAME_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PHONE_MAX,
  PHONE_PATTERN,
  USERNAME_MAX,
  USERNAME_MIN,
  USERNAME_PATTERN,
  type TCreateUser,
  type TLocale,
  type TUser,
} from '@huizhi/contracts';
import { ROLES, type Role } from '@huizhi/domain';
import { api, ApiError } from '../api';
import { useCurrentUser } from '../auth';
import { messages, useLocale } from '../i18n';
import { describeError, fieldIssues } from '../errors';
import { formatDateTime } from '../format';
import { AssignmentList } from '../components/labels';
import { LoadError } from '../components/feedback';
import { PageHeader } from '../components/page-header';
import { usePaging } from '../components/paging';
import { TerritorySelect } from '../components/territory-select';

interface NewUserForm {
  username: string;
  displayName: string;
  password: string;
  phone?: string;
  locale: TLocale;
  role: Role;
  territoryId?: string;
}

type FormField = keyof NewUserForm;

/** Maps a server issue path (`assignments.0.territoryId`) to the form field that shows it. */
function formFieldOfPath(path: readonly (string | number)[]): FormField | null {
  const [first, , third] = path;
  if (first === 'assignments') {
    if (third === 'territoryId' || third === 'unitId') return 'territoryId';
    return 'role';
  }
  const fields: FormField[] = ['username', 'displayName', 'password', 'phone', 'locale'];
  return fields.find((field) => field === first) ?? null;
}

/** The "New user" dialog: one assignment (role and territory), server errors shown on the fields. */
function NewUserModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { m } = useLocale();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<NewUserForm>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const role = Form.useWatch('role', form);

  const submit = async (values: NewUserForm) => {
    setSubmitting(true);
    setError(null);
    const body: TCreateUser = {
      username: values.username.trim(),
      displayName: values.displayName.trim(),
      password: values.password,
      phone: values.phone?.trim() ? values.phone.trim() : undefined,
      locale: values.locale,
      assignments: [{ role: values.role, territoryId: values.territoryId || undefined }],
    };
    try {
      const user = await api.createUser(body);
      void message.success(t('users.created', { username: user.username }));
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      form.resetFields();
      onClose();
    } catch (caught) {
      setError(caught);
      const issues = fieldIssues(caught);
      const byField = new Map<FormField, string[]>();
      for (const issue of issues) {
        const field = formFieldOfPath(issue.path);
        if (field) byField.set(field, [...(byField.get(field) ?? []), issue.message]);
      }
      if (caught instanceof ApiError && caught.code === 'USERNAME_TAKEN') {
        byField.set('username', [describeError(caught, t)]);
      }
      form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
    } finally {
      setSubmitting(false);
    }
  };

  const roleNeedsTerritory = role !== undefined && role !== 'resident';

  return (
    <Modal
      open={open}
      title={m.users.newUser}
      okText={m.users.create}
      cancelText={m.common.cancel}
      onCancel={() => {
        setError(null);
        form.resetFields();
        onClose();
      }}
      onOk={() => form.submit()}
      confirmLoading={submitting}
      okButtonProps={{ 'data-testid': 'new-user-submit' } as Record<string, string>}
      data-testid="new-user-modal"
      width={680}
    >
      {error ? (
        <Alert
          data-testid="new-user-error"
          type="error"
          showIcon
          className="form-error"
          title={t('users.createFailed', { message: describeError(error, t) })}
          description={
            fieldIssues(error).length > 0 ? (
              <ul className="issue-list" data-testid="new-user-issues">
                {fieldIssues(error).map((issue, index) => (
                  <li key={index}>
                    {issue.path.length > 0 ? <code>{issue.path.join('.')}</code> : null} {issue.message}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
        />
      ) : null}
      <Form<NewUserForm>
        form={form}
        layout="vertical"
        initialValues={{ locale: 'zh-CN', role: 'resident' }}
        onFinish={(values) => void submit(values)}
        onValuesChange={() => setError(null)}
        requiredMark
      >
        <Row gutter={16}>
          <Col xs={24} sm={12}>
            <Form.Item
              name="username"
              label={m.users.username}
              extra={m.users.usernameHelp}
              rules={[
                { required: true, whitespace: true, message: m.users.required },
                { min: USERNAME_MIN, message: m.users.usernameInvalid },
                { pattern: USERNAME_PATTERN, message: m.users.usernameInvalid },
              ]}
            >
              <Input data-testid="new-user-username" autoComplete="off" maxLength={USERNAME_MAX} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="displayName"
              label={m.users.displayName}
              rules={[{ required: true, whitespace: true, message: m.users.required }]}
            >
              <Input data-testid="new-user-display-name" maxLength={NAME_MAX} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="password"
              label={m.users.passwordLabel}
              extra={t('users.passwordHelp', { min: PASSWORD_MIN })}
              rules={[
                { required: true, message: m.users.required },
                { min: PASSWORD_MIN, message: t('users.passwordTooShort', { min: PASSWORD_MIN }) },
              ]}
            >
              <Input.Password
                data-testid="new-user-password"
                autoComplete="new-password"
                maxLength={PASSWORD_MAX}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="phone"
              label={m.users.phone}
              rules={[{ pattern: PHONE_PATTERN, message: m.users.phoneInvalid }]}
            >
              <Input data-testid="new-user-phone" inputMode="tel" maxLength={PHONE_MAX} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="role"
              label={m.users.role}
              rules={[{ required: true, message: m.users.required }]}
            >
              <Select<Role>
                data-testid="new-user-role"
                options={ROLES.map((value) => ({ value, label: m.roles[value] }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="territoryId"
              label={m.users.territory}
              extra={m.users.territoryHelp}
              dependencies={['role']}
              rules={[{ required: roleNeedsTerritory, message: m.users.territoryRequired }]}
            >
              <TerritorySelect data-testid="new-user-territory" enabled={open} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="locale" label={m.users.locale}>
              <Select<TLocale>
                data-testid="new-user-locale"
                options={LOCALES.map((value) => ({ value, label: messages[value].locale[value] }))}
              />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

/** The accounts an admin may see, with phone numbers as the server sends them, and "New user". */
export function UsersPage() {
  const { m, locale } = useLocale();
  const me = useCurrentUser();
  const paging = usePaging();
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const canCreate = me.permissions.includes('user.manage');

  const query = useQuery({
    queryKey: ['users', { q, limit: paging.limit, offset: paging.offset }],
    queryFn: ({ signal }) =>
      api.users({ q: q || undefined, limit: paging.limit, offset: paging.offset }, signal),
    placeholderData: keepPreviousData,
  });

  const columns: TableColumnsType<TUser> = [
    {
      key: 'username',
      title: m.users.username,
      render: (_, user) => <Typography.Text className="mono">{user.username}</Typography.Text>,
    },
    { key: 'displayName', title: m.users.displayName, dataIndex: 'displayName' },
    {
      key: 'phone',
      title: m.users.phone,
      responsive: ['sm'],
      render: (_, user) =>
        user.phone ? (
          <span className="mono">
            {user.phone}
            {user.phoneMasked ? (
              <Tooltip title={m.users.phoneMasked}>
                <EyeInvisibleOutlined className="masked-icon" aria-label={m.users.phoneMasked} />
              </Tooltip>
            ) : null}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      key: 'assignments',
      title: m.users.assignments,
      render: (_, user) => <AssignmentList assignments={user.assignments} />,
    },
    {
      key: 'locale',
      title: m.users.locale,
      responsive: ['lg'],
      render: (_, user) => messages[user.locale].locale[user.locale],
    },
    {
      key: 'status',
      title: m.users.status,
      render: (_, user) =>
        user.disabled ? (
          <Tag color="default">{m.users.disabled}</Tag>
        ) : (
          <Tag color="success">{m.users.active}</Tag>
        ),
    },
    {
      key: 'createdAt',
      title: m.users.createdAt,
      responsive: ['xl'],
      render: (_, user) => formatDateTime(user.createdAt, locale),
    },
  ];

  return (
    <>
      <PageHeader
        title={m.users.title}
        description={m.users.description}
        extra={
          canCreate ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              data-testid="new-user"
              onClick={() => setCreating(true)}
            >
              {m.users.newUser}
            </Button>
          ) : null
        }
      />
      <Card className="section-card">
        <div className="toolbar">
          <Input.Search
            data-testid="user-search"
            className="toolbar-search"
            allowClear
            maxLength={50}
            placeholder={m.users.searchPlaceholder}
            enterButton={m.common.search}
            onSearch={(value) => {
              setQ(value.trim());
              paging.reset();
            }}
          />
        </div>
        {query.error && !query.data ? (
          <LoadError error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <Table<TUser>
            data-testid="user-table"
            rowKey="id"
            size="middle"
            loading={query.isFetching}
            columns={columns}
            dataSource={query.data?.items ?? []}
            pagination={paging.pagination(query.data?.total)}
            scroll={{ x: 'max-content' }}
          />
        )}
      </Card>
      {canCreate ? <NewUserModal open={creating} onClose={() => setCreating(false)} /> : null}
    </>
  );
}
